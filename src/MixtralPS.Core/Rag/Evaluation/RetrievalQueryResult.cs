using System.Globalization;

namespace MixtralPS.Core.Rag.Evaluation;

/// <summary>How one question fared in one mode: where its expected source ranked, in the mode and in each half alone.</summary>
public sealed class RetrievalQueryResult
{
    public required string Mode { get; init; }

    public required string QueryId { get; init; }

    public required string Query { get; init; }

    /// <summary>The sources judged relevant.</summary>
    public required string[] Expected { get; init; }

    /// <summary>Rank of the first expected source among the distinct sources found (null: not found).</summary>
    public int? Rank { get; init; }

    /// <summary>Rank of the first expected source in the Vector search alone and in the Keyword search alone.</summary>
    public int? VectorRank { get; init; }

    public int? KeywordRank { get; init; }

    public required double NDCG10 { get; init; }

    public required double Recall10 { get; init; }

    public required bool Hit1 { get; init; }

    public required bool Hit5 { get; init; }

    public required double Milliseconds { get; init; }

    /// <summary>The distinct sources found, best first (at most 10).</summary>
    public required string[] Found { get; init; }

    /// <summary>The first source found; what the question was answered with.</summary>
    public string? TopSource => Found.Length > 0 ? Found[0] : null;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Mode} [{QueryId}] rank {(Rank is { } r ? r.ToString(CultureInfo.InvariantCulture) : "-")}: {Query}");
}
