namespace MixtralPS.Core.Rag.Stores;

/// <summary>
/// The read side of one store (a folder, a database): it persists and searches, nothing more. Modes, fusion,
/// score thresholds and result objects are store-blind and live in <see cref="RagIndexReader"/>, so every store
/// answers the same question with the same kind of result.
/// </summary>
public interface IRagStoreReader : IDisposable
{
    RagIndexLocation Location { get; }

    RagIndexSettings Settings { get; }

    /// <summary>Why searches are slower than usual (for verbose output), or null when they are not.</summary>
    string? Degraded { get; }

    /// <summary>Whether the index has changed since this reader opened it in a way that needs a new reader.</summary>
    bool IsStale();

    /// <summary>The <paramref name="count"/> chunks nearest to <paramref name="vector"/> (cosine, best first).</summary>
    /// <remarks>Must be safe to call while <see cref="KeywordAsync"/> runs on another thread: hybrid search runs both halves at once.</remarks>
    Task<List<(long Id, float Score)>> NearestAsync(float[] vector, int count, Func<string, bool>? sourceFilter, CancellationToken cancellationToken);

    /// <summary>The best <paramref name="count"/> chunks by BM25 over the question's terms, best first.</summary>
    Task<List<(long Id, float Score)>> KeywordAsync(string question, int count, Func<string, bool>? sourceFilter, CancellationToken cancellationToken);

    /// <summary>Chunks by id; ids no longer stored are left out.</summary>
    Task<Dictionary<long, StoredChunk>> ChunksAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken);

    /// <summary>Every document, by source.</summary>
    Task<IReadOnlyList<StoredDocument>> DocumentsAsync(CancellationToken cancellationToken);

    /// <summary>A document's chunks in order; empty when the source is not in the index.</summary>
    Task<IReadOnlyList<StoredChunk>> DocumentChunksAsync(string source, CancellationToken cancellationToken);
}
