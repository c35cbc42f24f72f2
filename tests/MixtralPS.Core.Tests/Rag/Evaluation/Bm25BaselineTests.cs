using MixtralPS.Core.Rag.Evaluation;

namespace MixtralPS.Core.Tests.Rag.Evaluation;

public sealed class Bm25BaselineTests
{
    [Fact]
    public void ScoresAsOkapiBm25()
    {
        // Three chunks; "otter" is in one (df 1), "fur" in two (df 2); average length (3 + 2 + 4) / 3 = 3.
        var bm25 = new Bm25Baseline([("a", "otters have fur"), ("b", "dense fur"), ("c", "bread needs warm ovens")]);
        var hits = bm25.Search("Otter fur?", 10);
        Assert.Equal(["a", "b"], hits.Select(h => h.Source));
        double Idf(int df) => Math.Log(1 + (3 - df + 0.5) / (df + 0.5));
        double Part(int tf, int length) => tf * 1.9 / (tf + 0.9 * (1 - 0.4 + 0.4 * length / 3.0));
        Assert.Equal(Idf(1) * Part(1, 3) + Idf(2) * Part(1, 3), hits[0].Score, 9);
        Assert.Equal(Idf(2) * Part(1, 2), hits[1].Score, 9);
    }

    [Fact]
    public void WordsAreLowerCasedWithoutAccentsAndStemmedOnRequest()
    {
        Assert.Equal(["resum", "run", "und", "relat", "cafe"], new Bm25Baseline([], stem: true).Words("Résumé RUNNING; ünd relational café"));
        Assert.Equal(["resume", "running", "und", "relational", "cafe"], new Bm25Baseline([], stem: false).Words("Résumé RUNNING; ünd relational café"));
    }
}
