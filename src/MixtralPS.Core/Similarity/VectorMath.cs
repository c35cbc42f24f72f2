using System.Numerics.Tensors;

namespace MixtralPS.Core.Similarity;

/// <summary>Similarity measures over embedding vectors, vectorised (SIMD) by TensorPrimitives.</summary>
public static class VectorMath
{
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        return TensorPrimitives.CosineSimilarity(a, b);
    }

    public static float Euclidean(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        return TensorPrimitives.Distance(a, b);
    }

    private static void CheckLengths(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Vectors of {a.Length} and {b.Length} dimensions cannot be compared; embed both texts with the same model.");
        }
    }
}
