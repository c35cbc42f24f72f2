using System.Numerics.Tensors;

namespace MixtralPS.Core.Tests.Index;

/// <summary>
/// Deterministic embeddings-like test data: unit vectors around seeded Gaussian cluster centres
/// (uniform random vectors in 384 dimensions are all nearly orthogonal: no real neighbours to find).
/// </summary>
internal static class ClusteredVectors
{
    /// <summary><paramref name="count"/> unit vectors, row-major; the same <paramref name="seed"/> gives the same centres.</summary>
    public static float[] Sample(int count, int dimensions, int clusters, int seed, int stream)
    {
        var centres = new float[clusters * dimensions];
        var random = new Random(seed);
        for (var c = 0; c < clusters; c++)
        {
            Normalise(Gaussian(random, centres.AsSpan(c * dimensions, dimensions), 1f));
        }

        var points = new float[count * dimensions];
        random = new Random(seed + stream);
        for (var i = 0; i < count; i++)
        {
            var point = Gaussian(random, points.AsSpan(i * dimensions, dimensions), 0.05f);
            TensorPrimitives.Add(point, centres.AsSpan(random.Next(clusters) * dimensions, dimensions), point);
            Normalise(point);
        }

        return points;
    }

    /// <summary>Row indexes of the <paramref name="k"/> rows most similar to <paramref name="query"/>, by brute force.</summary>
    public static ulong[] Exact(float[] rows, int dimensions, ReadOnlySpan<float> query, int k)
    {
        var scores = new float[rows.Length / dimensions];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = TensorPrimitives.Dot(rows.AsSpan(i * dimensions, dimensions), query);
        }

        return Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).Take(k).Select(i => (ulong)i).ToArray();
    }

    private static Span<float> Gaussian(Random random, Span<float> values, float sigma)
    {
        for (var i = 0; i < values.Length; i++)
        {
            // Box–Muller, one deviate per pair of uniforms: simple, and speed does not matter here.
            values[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) * sigma);
        }

        return values;
    }

    private static void Normalise(Span<float> values) => TensorPrimitives.Divide(values, TensorPrimitives.Norm(values), values);
}
