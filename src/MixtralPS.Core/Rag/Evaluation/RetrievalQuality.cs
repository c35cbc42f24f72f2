using System.Globalization;

namespace MixtralPS.Core.Rag.Evaluation;

/// <summary>How well one retrieval mode answered a set of questions: the means of the per-question measures.</summary>
public sealed class RetrievalQuality
{
    /// <summary>The retrieval mode (Vector, Keyword, Hybrid...) or the name of a baseline.</summary>
    public required string Mode { get; init; }

    /// <summary>Questions evaluated.</summary>
    public required int Queries { get; init; }

    public required double NDCG10 { get; init; }

    public required double Recall10 { get; init; }

    public required double MRR10 { get; init; }

    /// <summary>Share of questions whose first result is a relevant source.</summary>
    public required double Hit1 { get; init; }

    /// <summary>Share of questions with a relevant source among the first 5.</summary>
    public required double Hit5 { get; init; }

    /// <summary>Median time of one search, the question's embedding included (NaN when not timed).</summary>
    public required double MedianMs { get; init; }

    /// <summary>The index evaluated.</summary>
    public string? IndexPath { get; init; }

    /// <summary>Where the questions came from: the BEIR folder, or null for piped questions.</summary>
    public string? Dataset { get; init; }

    /// <summary>The means over the questions' scores; an empty set gives zeros.</summary>
    public static RetrievalQuality Summarise(string mode, IReadOnlyList<QueryScores> scores, IEnumerable<double> milliseconds, string? indexPath = null, string? dataset = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        double Mean(Func<QueryScores, double> measure) => scores.Count == 0 ? 0 : scores.Average(measure);
        return new RetrievalQuality
        {
            Mode = mode,
            Queries = scores.Count,
            NDCG10 = Mean(s => s.Ndcg10),
            Recall10 = Mean(s => s.Recall10),
            MRR10 = Mean(s => s.Mrr10),
            Hit1 = Mean(s => s.Hit1 ? 1 : 0),
            Hit5 = Mean(s => s.Hit5 ? 1 : 0),
            MedianMs = RetrievalMetrics.Median(milliseconds),
            IndexPath = indexPath,
            Dataset = dataset,
        };
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Mode}: nDCG@10 {NDCG10:0.0000}, Recall@10 {Recall10:0.0000}, MRR@10 {MRR10:0.0000}, Hit@1 {Hit1:0.000}, Hit@5 {Hit5:0.000} over {Queries} queries");
}
