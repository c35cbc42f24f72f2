using MixtralPS.Core.Rag.Evaluation;

namespace MixtralPS.Core.Tests.Rag.Evaluation;

public sealed class BeirDatasetTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "mixtralps-beir-" + Guid.NewGuid().ToString("N"));

    public BeirDatasetTests()
    {
        Directory.CreateDirectory(Path.Combine(folder, "qrels"));
        File.WriteAllLines(Path.Combine(folder, "queries.jsonl"),
        [
            """{"_id": "q1", "text": "How do otters keep warm?"}""",
            """{"_id": "q2", "text": "Best proofing temperature?", "metadata": {}}""",
            """{"_id": "q3", "text": "Not judged"}""",
            """{"_id": 4, "text": "Numeric id"}""",
            """{"_id": "q5", "text": "Judged irrelevant only"}""",
            "",
        ]);
        File.WriteAllLines(Path.Combine(folder, "qrels", "test.tsv"),
            ["query-id\tcorpus-id\tscore", "q1\totters\t1", "q2\tbread\t2", "q2\tyeast\t1", "4\tnumbers\t1", "q5\tbread\t0", "q9\tghost\t1"]);
        File.WriteAllLines(Path.Combine(folder, "corpus.jsonl"),
            ["""{"_id": "otters", "title": "Otters", "text": "Dense fur."}""", """{"_id": "bread", "text": "24 degrees."}"""]);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void ReadsTheJudgedQuestionsWithTheirGrades()
    {
        var read = BeirDataset.ReadQuestions(folder);
        Assert.Equal(["q1", "q2", "4"], read.Queries.Select(q => q.Id));
        Assert.Equal("Best proofing temperature?", read.Queries[1].Text);
        Assert.Equal([new ExpectedSource("bread", 2), new ExpectedSource("yeast", 1)], read.Queries[1].Expected);
        Assert.Equal(2, read.Warnings.Count);
        Assert.Contains(read.Warnings, w => w.Contains("'q9'") && w.Contains("not in queries.jsonl"));
        Assert.Contains(read.Warnings, w => w.Contains("'q5'") && w.Contains("no judgment above 0"));
    }

    [Fact]
    public void ReadsTheCorpus()
    {
        Assert.Equal([new BeirDocument("otters", "Otters", "Dense fur."), new BeirDocument("bread", "", "24 degrees.")], BeirDataset.ReadCorpus(folder));
    }

    [Fact]
    public void SaysWhatIsMissing()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => BeirDataset.ReadQuestions(folder, "dev"));
        Assert.Contains("qrels", ex.Message);
        Assert.Contains("dev.tsv", ex.Message);
    }

    [Fact]
    public void SaysWhichLineIsBroken()
    {
        File.AppendAllLines(Path.Combine(folder, "qrels", "test.tsv"), ["q1 otters"]);
        var ex = Assert.Throws<InvalidDataException>(() => BeirDataset.ReadQuestions(folder));
        Assert.Contains("line 8", ex.Message);
    }
}
