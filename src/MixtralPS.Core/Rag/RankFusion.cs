namespace MixtralPS.Core.Rag;

/// <summary>A chunk ranked by both halves of a hybrid query: why it was chosen.</summary>
public readonly record struct FusedHit(long Id, float Score, int? VectorRank, float? VectorScore, int? KeywordRank, float? KeywordScore);

/// <summary>
/// Reciprocal rank fusion: score = Σ 1 / (k + rank) over the rankings a chunk appears in. It needs no
/// calibration between cosine and BM25 scales; a small k favours the top of each list.
/// </summary>
public static class RankFusion
{
    /// <summary>k of the fusion: 10 gave the best SciFact nDCG@10 measured here (bench/results).</summary>
    public const int DefaultK = 10;

    public static List<FusedHit> Fuse(IReadOnlyList<(long Id, float Score)> vector, IReadOnlyList<(long Id, float Score)> keyword, int k)
    {
        if (k < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, "The fusion constant k must be at least 1.");
        }

        var fused = new Dictionary<long, FusedHit>();
        for (var i = 0; i < vector.Count; i++)
        {
            var (id, score) = vector[i];
            fused[id] = new FusedHit(id, 1f / (k + i + 1), i + 1, score, null, null);
        }

        for (var i = 0; i < keyword.Count; i++)
        {
            var (id, score) = keyword[i];
            var add = 1f / (k + i + 1);
            fused[id] = fused.TryGetValue(id, out var hit)
                ? hit with { Score = hit.Score + add, KeywordRank = i + 1, KeywordScore = score }
                : new FusedHit(id, add, null, null, i + 1, score);
        }

        return fused.Values.OrderByDescending(h => h.Score).ThenBy(h => h.Id).ToList();
    }

    /// <summary>How a result was ranked, in words: each half's rank and score, and the fused sum.</summary>
    public static string Explain(FusedHit hit, RetrievalMode mode, int k)
    {
        static string F(float v) => v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
        var vector = hit.VectorRank is { } vr ? $"vector #{vr} (cosine {F(hit.VectorScore!.Value)})" : "not among the vector candidates";
        var keyword = hit.KeywordRank is { } kr ? $"keyword #{kr} (BM25 {F(hit.KeywordScore!.Value)})" : "not among the keyword candidates";
        return mode switch
        {
            RetrievalMode.Vector => vector,
            RetrievalMode.Keyword => keyword,
            _ => $"{vector}; {keyword}; fused {F(hit.Score)} = "
                + string.Join(" + ", new[] { hit.VectorRank, hit.KeywordRank }.Where(r => r is not null).Select(r => $"1/({k}+{r})"))
                + (hit.VectorRank is not null && hit.KeywordRank is not null ? " (both halves agree)" : " (one half only)"),
        };
    }
}
