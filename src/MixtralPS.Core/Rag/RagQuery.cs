namespace MixtralPS.Core.Rag;

/// <summary>Which half of the index answers: vectors (meaning), keywords (BM25 on words), or both fused.</summary>
public enum RetrievalMode
{
    Hybrid,
    Vector,
    Keyword,
}

/// <summary>One question to an index.</summary>
/// <param name="Text">The question as typed (the keyword half searches its words).</param>
/// <param name="Vector">The question embedded with the index's model; null for a keyword-only search.</param>
/// <param name="Top">How many chunks to return.</param>
/// <param name="Mode">Which half answers.</param>
/// <param name="MinScore">Leave out chunks whose score (in the mode's terms) is lower.</param>
/// <param name="SourceFilter">Keeps only chunks of matching sources; null keeps all.</param>
/// <param name="FusionK">k of reciprocal rank fusion.</param>
/// <param name="Depth">Candidates taken from each half before fusing.</param>
/// <param name="UniqueSources">Each source once, by its best chunk (for "which file?"); the default is chunk by chunk.</param>
/// <param name="Explain">Give each result an <see cref="RagContextChunk.Explanation"/> of how it was ranked.</param>
public sealed record RagQuery(
    string Text,
    float[]? Vector,
    int Top,
    RetrievalMode Mode = RetrievalMode.Hybrid,
    float? MinScore = null,
    Func<string, bool>? SourceFilter = null,
    int FusionK = RankFusion.DefaultK,
    int Depth = 50,
    bool UniqueSources = false,
    bool Explain = false);
