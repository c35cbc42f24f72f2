using MixtralPS.Core.Rag.Evaluation;

namespace MixtralPS.Core.Tests.Rag.Evaluation;

/// <summary>The measures against values computed by hand, the way trec_eval (ndcg_cut.10, recall.10) and BEIR define them.</summary>
public sealed class RetrievalMetricsTests
{
    private static ExpectedSource[] Relevant(params string[] ids) => ids.Select(id => new ExpectedSource(id)).ToArray();

    [Fact]
    public void BinaryJudgments()
    {
        // DCG = 1/log2(2) + 1/log2(4) = 1.5; ideal for three relevant = 1 + 1/log2(3) + 1/log2(4) = 2.130930.
        var scores = RetrievalMetrics.Score(["d1", "x", "d2", "y"], Relevant("d1", "d2", "d3"));
        Assert.Equal(0.703918, scores.Ndcg10, 6);
        Assert.Equal(2.0 / 3, scores.Recall10, 9);
        Assert.Equal(1.0, scores.Mrr10);
        Assert.True(scores.Hit1);
        Assert.True(scores.Hit5);
        Assert.Equal(1, scores.Rank);
    }

    [Fact]
    public void GradedJudgmentsUseTheGradeAsLinearGain()
    {
        // DCG = 2/log2(3) + 1/log2(4) = 1.761860; ideal = 3 + 2/log2(3) + 1/log2(4) = 4.761860.
        ExpectedSource[] expected = [new("b", 2), new("c", 1), new("z", 3), new("a", 0)];
        var scores = RetrievalMetrics.Score(["a", "b", "c"], expected);
        Assert.Equal(0.369994, scores.Ndcg10, 6);
        Assert.Equal(2.0 / 3, scores.Recall10, 9);
        Assert.Equal(0.5, scores.Mrr10);
        Assert.False(scores.Hit1);
        Assert.True(scores.Hit5);
        Assert.Equal(2, scores.Rank);
    }

    [Fact]
    public void OnlyTheFirstTenCountButTheRankIsKept()
    {
        var ranked = Enumerable.Range(1, 12).Select(i => "n" + i).ToList();
        var scores = RetrievalMetrics.Score(ranked, Relevant("n11"));
        Assert.Equal(0, scores.Ndcg10);
        Assert.Equal(0, scores.Recall10);
        Assert.Equal(0, scores.Mrr10);
        Assert.False(scores.Hit5);
        Assert.Equal(11, scores.Rank);

        var sixth = RetrievalMetrics.Score(ranked, Relevant("n6"));
        Assert.Equal(1 / Math.Log2(7), sixth.Ndcg10, 9);
        Assert.Equal(1.0 / 6, sixth.Mrr10, 9);
        Assert.False(sixth.Hit5);
        Assert.Equal(1, sixth.Recall10);
    }

    [Fact]
    public void NothingFoundScoresZero()
    {
        var scores = RetrievalMetrics.Score([], Relevant("a"));
        Assert.Equal(new QueryScores(0, 0, 0, false, false, null), scores);
    }

    [Fact]
    public void AQuestionWithNothingRelevantIsRefused()
    {
        Assert.Throws<ArgumentException>(() => RetrievalMetrics.Score(["a"], [new ExpectedSource("a", 0)]));
    }

    [Fact]
    public void SourcesAreDeduplicatedBeforeTheCut()
    {
        Assert.Equal(["a", "b", "c"], RetrievalMetrics.DistinctSources(["a", "a", "b", "a", "c", "b"]));
    }

    [Fact]
    public void AnExpectedSourceIsCreditedOnceEvenWhenAWildcardMatchesSeveral()
    {
        // Both guides match the one expected pattern: found once, at rank 1, so nDCG and recall are 1, not above.
        var scores = RetrievalMetrics.Score(["/d/guide/a.md", "/d/guide/b.md"], Relevant("*/guide/*.md"));
        Assert.Equal([1, 0], RetrievalMetrics.Gains(["/d/guide/a.md", "/d/guide/b.md"], Relevant("*/guide/*.md")));
        Assert.Equal(1, scores.Ndcg10, 9);
        Assert.Equal(1, scores.Recall10);
    }

    [Fact]
    public void ASourceMatchingTwoExpectedOnesTakesTheHigherGrade()
    {
        ExpectedSource[] expected = [new("*.md", 1), new("/d/a.md", 2)];
        Assert.Equal([2, 1], RetrievalMetrics.Gains(["/d/a.md", "/d/b.md"], expected));
    }

    [Theory]
    [InlineData(new double[] { 3, 1, 2 }, 2)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 2.5)]
    [InlineData(new double[] { 7 }, 7)]
    public void Median(double[] values, double median) => Assert.Equal(median, RetrievalMetrics.Median(values));

    [Fact]
    public void SummaryIsTheMeanOverQuestions()
    {
        QueryScores[] scores = [new(1, 1, 1, true, true, 1), new(0.5, 0.5, 0.25, false, true, 4), new(0, 0, 0, false, false, null)];
        var quality = RetrievalQuality.Summarise("Hybrid", scores, [10, 30, 20]);
        Assert.Equal(3, quality.Queries);
        Assert.Equal(0.5, quality.NDCG10, 9);
        Assert.Equal(0.5, quality.Recall10, 9);
        Assert.Equal(1.25 / 3, quality.MRR10, 9);
        Assert.Equal(1.0 / 3, quality.Hit1, 9);
        Assert.Equal(2.0 / 3, quality.Hit5, 9);
        Assert.Equal(20, quality.MedianMs);
        Assert.Equal("Hybrid: nDCG@10 0.5000, Recall@10 0.5000, MRR@10 0.4167, Hit@1 0.333, Hit@5 0.667 over 3 queries", quality.ToString());
    }
}
