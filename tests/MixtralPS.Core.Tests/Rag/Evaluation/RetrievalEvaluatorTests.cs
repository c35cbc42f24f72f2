using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Evaluation;

namespace MixtralPS.Core.Tests.Rag.Evaluation;

public sealed class RetrievalEvaluatorTests
{
    /// <summary>Fixed rankings per mode, as chunks (several per source), so the evaluator's own work is what is tested.</summary>
    private static RetrievalSearch Fixed(Dictionary<RetrievalMode, string[]> rankings, List<(RetrievalMode, int)>? calls = null) =>
        (question, mode, top, ct) =>
        {
            calls?.Add((mode, top));
            IReadOnlyList<RagContextChunk> chunks = rankings[mode].Take(top).Select((source, i) => new RagContextChunk
            {
                Rank = i + 1, Score = 1f / (i + 1), Mode = mode, Text = "t", Source = source, Start = 0, Length = 1, Ordinal = i,
                ChunkId = i, Query = question, IndexPath = "x",
            }).ToList();
            return Task.FromResult(chunks);
        };

    private static readonly Dictionary<RetrievalMode, string[]> Rankings = new()
    {
        [RetrievalMode.Hybrid] = ["/d/a.md", "/d/a.md", "/d/b.md", "/d/c.md"],
        [RetrievalMode.Vector] = ["/d/c.md", "/d/c.md", "/d/c.md", "/d/b.md"],
        [RetrievalMode.Keyword] = ["/d/b.md"],
    };

    [Fact]
    public async Task ScoresDistinctSourcesPerModeAndSummarisesTheModesAskedFor()
    {
        var calls = new List<(RetrievalMode, int)>();
        var evaluator = new RetrievalEvaluator(Fixed(Rankings, calls), [RetrievalMode.Hybrid], depth: 20, halves: true);
        var query = new EvaluationQuery("1", "which?", [new ExpectedSource("b.md")]);
        var runs = await evaluator.EvaluateAsync(query, CancellationToken.None);

        Assert.Equal([(RetrievalMode.Hybrid, 20), (RetrievalMode.Vector, 20), (RetrievalMode.Keyword, 20)], calls);
        Assert.Equal(["/d/a.md", "/d/b.md", "/d/c.md"], runs[0].Sources);
        var detail = Assert.Single(evaluator.Details(query, runs));
        Assert.Equal(("Hybrid", 2, 2, 1), (detail.Mode, detail.Rank, detail.VectorRank, detail.KeywordRank));
        Assert.Equal("/d/a.md", detail.TopSource);
        Assert.Equal(["b.md"], detail.Expected);

        var summary = Assert.Single(evaluator.Summaries("idx", "set"));
        Assert.Equal(("Hybrid", 1, 0.5, "idx", "set"), (summary.Mode, summary.Queries, summary.MRR10, summary.IndexPath, summary.Dataset));
        Assert.Equal(1 / Math.Log2(3), summary.NDCG10, 9);
    }

    [Fact]
    public async Task AFailedSearchCountsTheQuestionInNoMode()
    {
        var evaluator = new RetrievalEvaluator((q, mode, top, ct) => mode == RetrievalMode.Keyword
            ? throw new InvalidOperationException("broken")
            : Fixed(Rankings)(q, mode, top, ct), [RetrievalMode.Vector, RetrievalMode.Keyword]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => evaluator.EvaluateAsync(new EvaluationQuery("1", "q", [new ExpectedSource("b.md")]), CancellationToken.None));
        Assert.All(evaluator.Summaries(), s => Assert.Equal(0, s.Queries));
    }

    [Fact]
    public async Task StopsWhenCancelled()
    {
        var evaluator = new RetrievalEvaluator(Fixed(Rankings), [RetrievalMode.Vector]);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            evaluator.EvaluateAsync(new EvaluationQuery("1", "q", [new ExpectedSource("b.md")]), new CancellationToken(canceled: true)));
    }

    [Fact]
    public void RefusesADepthBelowTheCutoff() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetrievalEvaluator(Fixed(Rankings), [RetrievalMode.Vector], depth: 5));
}
