using System.Numerics.Tensors;

namespace MixtralPS.Bench.Ann;

/// <summary>
/// The baseline HNSW must beat: every vector scored against the query, top k kept in a heap. The vectors are
/// unit length, so the dot product (TensorPrimitives.Dot, SIMD) is the cosine similarity; one thread.
/// </summary>
internal static class ExactSearch
{
    /// <summary>Row indexes of the <paramref name="k"/> rows most similar to <paramref name="query"/>, best first.</summary>
    public static int[] TopK(float[] rows, int dimensions, ReadOnlySpan<float> query, int k)
    {
        var count = rows.Length / dimensions;
        var heap = new PriorityQueue<int, float>(k + 1); // min-heap: the root is the worst of the best k so far
        var span = rows.AsSpan();
        for (var row = 0; row < count; row++)
        {
            var score = TensorPrimitives.Dot(span.Slice(row * dimensions, dimensions), query);
            if (heap.Count < k)
            {
                heap.Enqueue(row, score);
            }
            else if (heap.TryPeek(out _, out var worst) && score > worst)
            {
                heap.DequeueEnqueue(row, score);
            }
        }

        var result = new int[heap.Count];
        for (var i = result.Length - 1; i >= 0; i--)
        {
            result[i] = heap.Dequeue();
        }

        return result;
    }
}
