using System.Numerics.Tensors;

namespace MixtralPS.Bench.Ann;

/// <summary>
/// Seeded synthetic embeddings with cluster structure, like real ones (topics): unit-length Gaussian centres,
/// each point = a random centre + isotropic Gaussian noise, normalised to unit length. Uniform random vectors
/// would be a poor stand-in: in 384 dimensions they are all nearly orthogonal, with no neighbours worth finding.
/// </summary>
internal sealed class ClusteredVectors
{
    private const int RowsPerBlock = 4096;

    private readonly float[] _centres;

    public ClusteredVectors(int dimensions, int clusters, float noise, int seed)
    {
        Dimensions = dimensions;
        Clusters = clusters;
        Noise = noise;
        Seed = seed;
        _centres = new float[clusters * dimensions];
        var random = new Random(seed);
        for (var c = 0; c < clusters; c++)
        {
            var centre = _centres.AsSpan(c * dimensions, dimensions);
            FillGaussian(random, centre, 1f);
            TensorPrimitives.Divide(centre, TensorPrimitives.Norm(centre), centre);
        }
    }

    public int Dimensions { get; }

    public int Clusters { get; }

    /// <summary>Standard deviation of the noise per dimension, for a unit-length centre.</summary>
    public float Noise { get; }

    public int Seed { get; }

    /// <summary>
    /// <paramref name="count"/> points, row-major. Blocks of rows come from their own seeded generators, so the
    /// result is the same whatever the number of threads generating it.
    /// </summary>
    public float[] Sample(int count, int stream)
    {
        var dimensions = Dimensions;
        var result = new float[(long)count * dimensions];
        var blocks = (count + RowsPerBlock - 1) / RowsPerBlock;
        Parallel.For(0, blocks, block =>
        {
            // Not HashCode.Combine: it is randomised per process.
            var random = new Random(unchecked((Seed * 1_000_003) + (stream * 7_919) + block));
            var end = Math.Min(count, (block + 1) * RowsPerBlock);
            for (var row = block * RowsPerBlock; row < end; row++)
            {
                var point = result.AsSpan(row * dimensions, dimensions);
                FillGaussian(random, point, Noise);
                TensorPrimitives.Add(point, _centres.AsSpan(random.Next(Clusters) * dimensions, dimensions), point);
                TensorPrimitives.Divide(point, TensorPrimitives.Norm(point), point);
            }
        });
        return result;
    }

    /// <summary>Box–Muller: two normal deviates per pair of uniforms.</summary>
    private static void FillGaussian(Random random, Span<float> values, float sigma)
    {
        for (var i = 0; i < values.Length; i += 2)
        {
            var radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * sigma;
            var angle = 2.0 * Math.PI * random.NextDouble();
            values[i] = (float)(radius * Math.Cos(angle));
            if (i + 1 < values.Length)
            {
                values[i + 1] = (float)(radius * Math.Sin(angle));
            }
        }
    }
}
