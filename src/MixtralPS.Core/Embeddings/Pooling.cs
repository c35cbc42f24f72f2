using System.Numerics.Tensors;

namespace MixtralPS.Core.Embeddings;

/// <summary>Token vectors → one unit-length text vector, as sentence-transformers' Pooling + Normalize modules do.</summary>
internal static class Pooling
{
    /// <summary>Pools one sequence of a batch output [batch, sequence, dimensions].</summary>
    /// <param name="hidden">The rows of this sequence: sequence × dimensions floats.</param>
    /// <param name="tokenCount">Real (unpadded) tokens at the start of the sequence; padding is on the right.</param>
    public static float[] Pool(ReadOnlySpan<float> hidden, int tokenCount, int dimensions, EmbeddingPooling pooling)
    {
        var vector = new float[dimensions];
        if (pooling == EmbeddingPooling.Cls)
        {
            hidden[..dimensions].CopyTo(vector);
        }
        else
        {
            // Mean over the tokens the attention mask covers: [CLS] and [SEP] included, padding excluded.
            for (var t = 0; t < tokenCount; t++)
            {
                TensorPrimitives.Add(vector, hidden.Slice(t * dimensions, dimensions), vector);
            }

            TensorPrimitives.Multiply(vector, 1f / Math.Max(tokenCount, 1e-9f), vector);
        }

        NormalizeInPlace(vector);
        return vector;
    }

    /// <summary>L2 normalisation with torch's F.normalize epsilon.</summary>
    public static void NormalizeInPlace(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        TensorPrimitives.Multiply(vector, 1f / Math.Max(norm, 1e-12f), vector);
    }
}
