using MixtralPS.Core.Rag;

namespace MixtralPS.Core.Tests.Rag;

public sealed class RankFusionTests
{
    private static List<(long Id, float Score)> Ranking(params float[] scores) => scores.Select((s, i) => ((long)(100 + i), s)).ToList();

    [Fact]
    public void Both_halves_agreeing_outrank_one_half_and_a_lukewarm_keyword_half_weighs_as_much_as_the_vector_half()
    {
        var vector = new List<(long, float)> { (1, 0.9f), (2, 0.8f), (3, 0.7f) };
        var keyword = new List<(long, float)> { (3, 10f), (2, 9.5f), (4, 9f), (5, 8.8f), (6, 8.7f), (7, 8.6f), (8, 8.5f), (9, 8.4f), (10, 8.3f), (11, 8.2f) };

        var fused = RankFusion.Fuse(vector, keyword, 10);

        Assert.Equal(1f, RankFusion.KeywordWeight(keyword));
        Assert.Equal([3, 2, 1], fused.Take(3).Select(h => h.Id));
        Assert.Equal(1f / 13 + 1f / 11, fused[0].Score, 5);
    }

    [Fact]
    public void A_sure_keyword_half_is_not_outvoted_by_the_vector_half()
    {
        // One chunk holds the rare terms: its BM25 is far above the tenth's. The vector half prefers another chunk.
        var vector = new List<(long, float)> { (1, 0.62f), (2, 0.61f), (3, 0.60f) };
        var keyword = new List<(long, float)> { (3, 20f) }.Concat(Ranking(6, 5.9f, 5.8f, 5.7f, 5.6f, 5.5f, 5.4f, 5.3f, 5.2f)).ToList();

        var fused = RankFusion.Fuse(vector, keyword, 10);

        Assert.Equal(RankFusion.SureWeight, RankFusion.KeywordWeight(keyword));
        Assert.Equal(3, fused[0].Id);
        Assert.Equal(1f / 13 + 2f / 11, fused[0].Score, 5);
        Assert.Contains("counts twice", RankFusion.Explain(fused[0], RetrievalMode.Hybrid, 10), StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_keyword_hit_is_sure_and_no_keyword_hit_leaves_the_vector_ranking()
    {
        Assert.Equal(RankFusion.SureWeight, RankFusion.KeywordWeight([(7, 3f)]));
        Assert.Equal([1L, 2L], RankFusion.Fuse([(1, 0.9f), (2, 0.8f)], [], 10).Select(h => h.Id));
    }
}
