using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;
using MixtralPS.Core.Rag.Stores.Folder;

namespace MixtralPS.Core.Tests.Rag;

/// <summary>Small indexes written through RagIndexWriter, without a model.</summary>
internal static class TestIndexes
{
    public static void Write(string index, params (string Source, string Text)[] documents)
    {
        // No model: two-dimensional vectors made from the text stand in for embeddings.
        var settings = new RagIndexSettings
        {
            EmbeddingModel = "test-model",
            Dimensions = 2,
            MaxTokens = 256,
            Chunker = "Recursive",
            ChunkSize = 512,
            ChunkOverlap = 64,
        };
        using var writer = RagStores.OpenWriter(index, settings, rebuild: false, TimeSpan.FromSeconds(10), CancellationToken.None);
        foreach (var (source, text) in documents)
        {
            writer.Write(new DocumentRecord(source, source + text, text.Length, null, "text", "utf-8"), [new ChunkRecord(0, 0, text.Length, text, 1, Vector(text))]);
        }

        writer.CompleteAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>A unit vector of two dimensions from the text, so different texts point different ways.</summary>
    public static float[] Vector(string text)
    {
        var angle = (text.GetHashCode(StringComparison.Ordinal) & 0xffff) / 65536.0 * Math.PI / 2;
        return [(float)Math.Cos(angle), (float)Math.Sin(angle)];
    }
}
