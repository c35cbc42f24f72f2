namespace MixtralPS.Core.Rag;

/// <summary>One retrieved chunk: where it comes from, how well it matched, and its text.</summary>
public sealed class RagContextChunk
{
    public required int Rank { get; init; }

    /// <summary>Cosine similarity of the chunk to the query (1: same direction).</summary>
    public required float Score { get; init; }

    public required string Text { get; init; }

    public required string Source { get; init; }

    /// <summary>Character offset of the chunk in the document's text, and its length.</summary>
    public required int Start { get; init; }

    public required int Length { get; init; }

    /// <summary>Position of the chunk in its document, from 0.</summary>
    public required int Ordinal { get; init; }

    public required long ChunkId { get; init; }

    public required string Query { get; init; }

    public required string IndexPath { get; init; }

    public override string ToString() => Text;
}
