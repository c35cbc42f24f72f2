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
}
