namespace MixtralPS.Core.Rag.Stores;

/// <summary>Blocking forms of the store writer's calls, for scripts, benches and tests that have no async context.</summary>
public static class RagStoreWriterExtensions
{
    /// <summary>Replaces (or adds) one document with its chunks, in one transaction.</summary>
    public static void Write(this IRagStoreWriter writer, DocumentRecord document, IReadOnlyList<ChunkRecord> chunks) =>
        writer.WriteAsync([new DocumentWrite(document, chunks)], CancellationToken.None).GetAwaiter().GetResult();
}
