namespace MixtralPS.Core.Rag.Evaluation;

/// <summary>How one ranking scored against a question's expected sources.</summary>
/// <param name="Ndcg10">nDCG@10 with linear gain (the grade), as trec_eval's ndcg_cut.10 and BEIR compute it.</param>
/// <param name="Recall10">Share of the relevant sources among the first 10.</param>
/// <param name="Mrr10">1 / rank of the first relevant source when it is among the first 10, else 0.</param>
/// <param name="Hit1">A relevant source ranks first.</param>
/// <param name="Hit5">A relevant source is among the first 5.</param>
/// <param name="Rank">Rank of the first relevant source in the whole ranking (not cut at 10); null when absent.</param>
public sealed record QueryScores(double Ndcg10, double Recall10, double Mrr10, bool Hit1, bool Hit5, int? Rank);

/// <summary>
/// The standard retrieval measures over a ranking of sources. Results are chunks, judgments are about sources, so a
/// ranking is first reduced to distinct sources, each at the rank of its best chunk, and only then cut at 10: a
/// document is counted once, however many of its chunks match (BEIR scores documents the same way).
/// </summary>
public static class RetrievalMetrics
{
    public const int Cutoff = 10;

    /// <summary>The sources in order of their first appearance.</summary>
    public static List<string> DistinctSources(IEnumerable<string> sources)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return sources.Where(seen.Add).ToList();
    }

    /// <summary>
    /// The gain at each rank: the grade of the expected source the result matches. Each expected source is credited
    /// once, at its first match (a wildcard matching several results counts as one source found), so Recall and nDCG
    /// stay within 0..1; for plain ids this is trec_eval's rule exactly.
    /// </summary>
    public static int[] Gains(IReadOnlyList<string> ranked, IReadOnlyList<ExpectedSource> expected)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(expected);
        var credited = new bool[expected.Count];
        var gains = new int[ranked.Count];
        for (var r = 0; r < ranked.Count; r++)
        {
            var best = -1;
            for (var e = 0; e < expected.Count; e++)
            {
                if (!credited[e] && expected[e].Grade > 0 && (best < 0 || expected[e].Grade > expected[best].Grade)
                    && SourceMatcher.Matches(expected[e].Source, ranked[r]))
                {
                    best = e;
                }
            }

            if (best >= 0)
            {
                credited[best] = true;
                gains[r] = expected[best].Grade;
            }
        }

        return gains;
    }

    /// <summary>Scores a ranking of distinct sources, best first.</summary>
    public static QueryScores Score(IReadOnlyList<string> ranked, IReadOnlyList<ExpectedSource> expected)
    {
        var relevant = expected.Where(e => e.Grade > 0).Select(e => e.Grade).OrderDescending().ToList();
        if (relevant.Count == 0)
        {
            throw new ArgumentException("A question needs at least one expected source with a grade above 0.", nameof(expected));
        }

        var gains = Gains(ranked, expected);
        var first = Array.FindIndex(gains, g => g > 0);
        var top = Math.Min(Cutoff, gains.Length);
        var dcg = 0.0;
        var found = 0;
        for (var i = 0; i < top; i++)
        {
            if (gains[i] > 0)
            {
                dcg += gains[i] / Math.Log2(i + 2);
                found++;
            }
        }

        var ideal = relevant.Take(Cutoff).Select((g, i) => g / Math.Log2(i + 2)).Sum();
        int? rank = first < 0 ? null : first + 1;
        return new QueryScores(
            Ndcg10: dcg / ideal,
            Recall10: (double)found / relevant.Count,
            Mrr10: rank <= Cutoff ? 1.0 / rank.Value : 0,
            Hit1: rank == 1,
            Hit5: rank <= 5,
            Rank: rank);
    }

    /// <summary>The median, halfway between the middle two of an even count; NaN for none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
