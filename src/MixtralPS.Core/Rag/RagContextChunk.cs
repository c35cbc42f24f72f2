namespace MixtralPS.Core.Rag;

/// <summary>One retrieved chunk: where it comes from, how well it matched, and its text.</summary>
public sealed class RagContextChunk
{
    public required int Rank { get; init; }

    /// <summary>
    /// How well the chunk matched, in the mode's own terms: cosine similarity (Vector), BM25 (Keyword), or the
    /// reciprocal-rank-fusion score (Hybrid). Each half's rank and score are kept beside it.
    /// </summary>
    public required float Score { get; init; }

    public RetrievalMode Mode { get; init; } = RetrievalMode.Vector;

    /// <summary>Rank and cosine similarity in the vector search (null: not among its candidates).</summary>
    public int? VectorRank { get; init; }

    public float? VectorScore { get; init; }

    /// <summary>Rank and BM25 score in the keyword search (null: not among its candidates).</summary>
    public int? KeywordRank { get; init; }

    public float? KeywordScore { get; init; }

    public required string Text { get; init; }

    public required string Source { get; init; }

    /// <summary>Character offset of the chunk in the document's text, and its length.</summary>
    public required int Start { get; init; }

    public required int Length { get; init; }

    /// <summary>Position of the chunk in its document, from 0.</summary>
    public required int Ordinal { get; init; }

    /// <summary>The page the chunk comes from, from 1, for documents read page by page (OCR); otherwise null.</summary>
    public int? Page { get; init; }

    /// <summary>Where in its document the chunk sits ("Guide > Install > Linux"), for documents with headings; otherwise null.</summary>
    public string? Heading { get; init; }

    /// <summary>With -Explain: each half's rank and score and what the fusion made of them, in words; otherwise null.</summary>
    public string? Explanation { get; init; }

    public required long ChunkId { get; init; }

    public required string Query { get; init; }

    public required string IndexPath { get; init; }

    public override string ToString() => Text;

    internal RagContextChunk WithRank(int rank) => Copy(rank, Explanation);

    internal RagContextChunk WithExplanation(string explanation) => Copy(Rank, explanation);

    private RagContextChunk Copy(int rank, string? explanation) => new()
    {
        Rank = rank,
        Score = Score,
        Mode = Mode,
        VectorRank = VectorRank,
        VectorScore = VectorScore,
        KeywordRank = KeywordRank,
        KeywordScore = KeywordScore,
        Text = Text,
        Source = Source,
        Start = Start,
        Length = Length,
        Ordinal = Ordinal,
        Page = Page,
        Heading = Heading,
        Explanation = explanation,
        ChunkId = ChunkId,
        Query = Query,
        IndexPath = IndexPath,
    };
}
