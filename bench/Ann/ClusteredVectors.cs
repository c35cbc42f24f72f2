using System.Numerics.Tensors;

namespace MixtralPS.Bench.Ann;

/// <summary>
/// Seeded synthetic embeddings with cluster structure (topics): unit-length Gaussian centres, each point = a random
/// centre + Gaussian noise, normalised to unit length. Uniform random vectors would be a poor stand-in: in 384
/// dimensions they are all nearly orthogonal, with no neighbours worth finding.
/// Two kinds of noise. Isotropic (rank 0): the same spread in all dimensions, so inside a cluster the points are
/// as structureless as uniform random ones: with 1,000 per cluster (1,000,000 points) a point's ten nearest are
/// barely nearer than the other 990, the worst case for any graph index. Low-rank (rank r): most of the spread
/// lies in r random directions of the cluster's own (plus a little everywhere), as in real text embeddings, whose
/// variation within a topic has a low intrinsic dimension; the total spread, hence the cosine to the centre, is the same.
/// </summary>
internal sealed class ClusteredVectors
{
    private const int RowsPerBlock = 4096;

    /// <summary>Share of the noise's variance outside the cluster's own directions, for low-rank noise.</summary>
    private const float ResidualShare = 0.0625f;

    private readonly float[] centres;
    private readonly float[] directions;

    public ClusteredVectors(int dimensions, int clusters, float noise, int rank, int seed)
    {
        Dimensions = dimensions;
        Clusters = clusters;
        Noise = noise;
        Rank = rank;
        Seed = seed;
        centres = new float[clusters * dimensions];
        var random = new Random(seed);
        for (var c = 0; c < clusters; c++)
        {
            Normalise(FillGaussian(random, centres.AsSpan(c * dimensions, dimensions), 1f));
        }

        // Per cluster, rank unit directions (random directions in 384 dimensions are all but orthogonal).
        directions = new float[clusters * rank * dimensions];
        for (var d = 0; d < clusters * rank; d++)
        {
            Normalise(FillGaussian(random, directions.AsSpan(d * dimensions, dimensions), 1f));
        }
    }

    public int Dimensions { get; }

    public int Clusters { get; }

    /// <summary>Standard deviation of the noise per dimension, for a unit-length centre (total variance Noise² × Dimensions).</summary>
    public float Noise { get; }

    /// <summary>0 for isotropic noise; otherwise the number of directions per cluster holding most of it.</summary>
    public int Rank { get; }

    public int Seed { get; }

    public string Describe() => Rank == 0
        ? $"isotropic noise (N(0, {Noise}²) in every dimension)"
        : $"low-rank noise ({1 - ResidualShare:P0} of the variance along {Rank} random directions per cluster, the rest isotropic; same total as N(0, {Noise}²) per dimension)";

    /// <summary>
    /// <paramref name="count"/> points, row-major. Blocks of rows come from their own seeded generators, so the
    /// result is the same whatever the number of threads generating it.
    /// </summary>
    public float[] Sample(int count, int stream)
    {
        var dimensions = Dimensions;
        var totalVariance = Noise * Noise * dimensions;
        var isotropicSigma = Rank == 0 ? Noise : MathF.Sqrt(totalVariance * ResidualShare / dimensions);
        var directionSigma = Rank == 0 ? 0 : MathF.Sqrt(totalVariance * (1 - ResidualShare) / Rank);
        var result = new float[(long)count * dimensions];
        var blocks = (count + RowsPerBlock - 1) / RowsPerBlock;
        Parallel.For(0, blocks, block =>
        {
            // Not HashCode.Combine: it is randomised per process.
            var random = new Random(unchecked((Seed * 1_000_003) + (stream * 7_919) + block));
            var weights = new float[Rank];
            var end = Math.Min(count, (block + 1) * RowsPerBlock);
            for (var row = block * RowsPerBlock; row < end; row++)
            {
                var point = result.AsSpan(row * dimensions, dimensions);
                FillGaussian(random, point, isotropicSigma);
                var cluster = random.Next(Clusters);
                TensorPrimitives.Add(point, centres.AsSpan(cluster * dimensions, dimensions), point);
                FillGaussian(random, weights, directionSigma);
                for (var j = 0; j < Rank; j++)
                {
                    var direction = directions.AsSpan(((cluster * Rank) + j) * dimensions, dimensions);
                    TensorPrimitives.MultiplyAdd(direction, weights[j], point, point);
                }

                Normalise(point);
            }
        });
        return result;
    }

    /// <summary>Box–Muller: two normal deviates per pair of uniforms.</summary>
    private static Span<float> FillGaussian(Random random, Span<float> values, float sigma)
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

        return values;
    }

    private static void Normalise(Span<float> values) => TensorPrimitives.Divide(values, TensorPrimitives.Norm(values), values);
}
