namespace MixtralPS.Core.Rag;

/// <summary>A chunk ranked by both halves of a hybrid query: why it was chosen, and the keyword half's weight in it.</summary>
public readonly record struct FusedHit(long Id, float Score, int? VectorRank, float? VectorScore, int? KeywordRank, float? KeywordScore, float KeywordWeight = 1);

/// <summary>
/// Reciprocal rank fusion: score = Σ w / (k + rank) over the rankings a chunk appears in. It needs no calibration
/// between cosine and BM25 scales; a small k favours the top of each list. The keyword half counts twice when it is
/// sure: its best chunk scores at least <see cref="SureRatio"/> times its tenth (or it found one chunk only), which
/// is what a question's rare terms gathered in one place look like. Cosines cannot say the same of the vector half:
/// a small English model gives a question in Japanese as high a best cosine as a good match (medians 0.57 and 0.62).
/// </summary>
/// <remarks>
/// Chosen on four sets at once, never one alone (bench/results/retrieval-quality-*.md; Hybrid nDCG@10 before and
/// after, with k 10): SciFact 0.7208 / 0.7215, Debian docs 0.9654 / 0.9663, mixed-language man pages 0.7791 / 0.7954,
/// their CJK-only questions 0.7024 / 0.7934. Neighbours (ratio 1.5-2.0, weight 2-3, against the 3rd, 5th or 10th)
/// moved each set by less than 0.005 except where the keyword half was sure.
/// </remarks>
public static class RankFusion
{
    /// <summary>k of the fusion: 10 gave the best SciFact nDCG@10 measured here (bench/results).</summary>
    public const int DefaultK = 10;

    /// <summary>The keyword half is sure when its best score is at least this many times that of its <see cref="SureRank"/>th.</summary>
    public const float SureRatio = 1.75f;

    public const int SureRank = 10;

    /// <summary>The weight of a sure keyword half's ranks.</summary>
    public const float SureWeight = 2;

    /// <summary>The keyword half's weight for this ranking: <see cref="SureWeight"/> when it is sure, else 1.</summary>
    public static float KeywordWeight(IReadOnlyList<(long Id, float Score)> keyword) =>
        keyword.Count == 1 || (keyword.Count > 1 && keyword[0].Score >= SureRatio * keyword[Math.Min(SureRank, keyword.Count) - 1].Score)
            ? SureWeight
            : 1;

    public static List<FusedHit> Fuse(IReadOnlyList<(long Id, float Score)> vector, IReadOnlyList<(long Id, float Score)> keyword, int k)
    {
        if (k < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, "The fusion constant k must be at least 1.");
        }

        var weight = KeywordWeight(keyword);
        var fused = new Dictionary<long, FusedHit>();
        for (var i = 0; i < vector.Count; i++)
        {
            var (id, score) = vector[i];
            fused[id] = new FusedHit(id, 1f / (k + i + 1), i + 1, score, null, null);
        }

        for (var i = 0; i < keyword.Count; i++)
        {
            var (id, score) = keyword[i];
            var add = weight / (k + i + 1);
            fused[id] = fused.TryGetValue(id, out var hit)
                ? hit with { Score = hit.Score + add, KeywordRank = i + 1, KeywordScore = score, KeywordWeight = weight }
                : new FusedHit(id, add, null, null, i + 1, score, weight);
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
                + string.Join(" + ", new[]
                {
                    hit.VectorRank is { } v ? $"1/({k}+{v})" : null,
                    hit.KeywordRank is { } r ? (hit.KeywordWeight == 1 ? $"1/({k}+{r})" : $"{F(hit.KeywordWeight)}/({k}+{r})") : null,
                }.Where(t => t is not null))
                + (hit.VectorRank is not null && hit.KeywordRank is not null ? " (both halves agree)" : " (one half only)")
                + (hit.KeywordRank is not null && hit.KeywordWeight != 1 ? "; the keyword half was sure (its best scored far above its tenth), so its rank counts twice" : ""),
        };
    }
}
