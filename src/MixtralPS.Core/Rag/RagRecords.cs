namespace MixtralPS.Core.Rag;

/// <summary>A document as stored: where it came from and what version of it is indexed.</summary>
public sealed record DocumentRecord(
    string Source,
    string ContentHash,
    long Size,
    DateTimeOffset? Modified,
    string Format,
    string? Encoding);

/// <summary>A chunk as stored, with its embedding, and its page (from 1) where the document has pages.</summary>
/// <param name="Heading">The chunk's place in its document ("Guide > Install > Linux"), where the document has structure.</param>
/// <param name="Hash">The chunk's identity (<see cref="ChunkIdentity"/>); computed by the store when not given.</param>
public sealed record ChunkRecord(int Ordinal, int Start, int Length, string Text, int TokenCount, float[] Embedding, int? Page = null, string? Heading = null, string? Hash = null)
{
    /// <summary>What keyword search indexes: the heading path with the text, so a section's words still match a small chunk of it.</summary>
    public string KeywordText => ChunkIdentity.WithHeading(Heading, Text);
}

/// <summary>A stored chunk's embedding and token count, found by the chunk's identity to be used again.</summary>
public sealed record StoredEmbedding(float[] Vector, int TokenCount);

/// <summary>What the index holds for one source.</summary>
public sealed record StoredDocument(long Id, string Source, string ContentHash, int ChunkCount);

/// <summary>A chunk as read back, with its document's source; Page is null where the document has no pages.</summary>
public sealed record StoredChunk(long Id, string Source, int Ordinal, int Start, int Length, string Text, int TokenCount, int? Page, string? Heading = null);
