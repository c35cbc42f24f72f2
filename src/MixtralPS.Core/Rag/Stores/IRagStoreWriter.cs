namespace MixtralPS.Core.Rag.Stores;

/// <summary>A document's new version and its chunks, written together.</summary>
public sealed record DocumentWrite(DocumentRecord Document, IReadOnlyList<ChunkRecord> Chunks);

/// <summary>
/// The write side of one store: a write session that persists batches of documents, each batch in one
/// transaction (a killed writer leaves every document wholly old or wholly new), and removes documents.
/// Chunking, embedding and deciding what to write are store-blind (<see cref="RagIngestor"/>).
/// </summary>
public interface IRagStoreWriter : IDisposable
{
    RagIndexLocation Location { get; }

    /// <summary>The index's settings as stored (an existing index's, or the new one's).</summary>
    RagIndexSettings Settings { get; }

    /// <summary>Whether this session created the index.</summary>
    bool Created { get; }

    /// <summary>What opening did to bring an older index up to date, for a warning; null when nothing.</summary>
    string? Upgraded { get; }

    Task<StoredDocument?> FindAsync(string source, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredDocument>> DocumentsAsync(CancellationToken cancellationToken);

    /// <summary>Stored embeddings of chunks with these identities (<see cref="ChunkIdentity"/>), from any document.</summary>
    Task<IReadOnlyDictionary<string, StoredEmbedding>> EmbeddingsAsync(IReadOnlyCollection<string> chunkHashes, CancellationToken cancellationToken);

    /// <summary>Replaces (or adds) each document of the batch with its chunks, in one transaction.</summary>
    Task WriteAsync(IReadOnlyList<DocumentWrite> batch, CancellationToken cancellationToken);

    Task RemoveAsync(StoredDocument document, CancellationToken cancellationToken);

    Task<long> ChunkCountAsync(CancellationToken cancellationToken);

    /// <summary>Brings derived structures (graph, statistics) up to date at the end of the session.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);
}
