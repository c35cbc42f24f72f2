using MixtralPS.Core.Rag;

namespace MixtralPS.Core.Tests.Rag;

/// <summary>
/// SearchAsync runs the keyword half of a hybrid query while the question is embedded, and a hybrid Search runs it
/// beside the graph search: the answers must be those of the halves run one after the other, and a failure on
/// either side must leave the reader whole.
/// </summary>
public sealed class HybridSearchTests : IDisposable
{
    private static readonly (string, string)[] Documents =
    [
        ("alpha.txt", "Error code E1234 means the disk is full."),
        ("beta.txt", "The sky is blue because of Rayleigh scattering."),
        ("gamma.txt", "Disk quotas limit how much a user may store."),
        ("delta.txt", "Rayleigh scattering grows with the fourth power of frequency."),
        ("epsilon.txt", "A full disk stops the database from writing."),
    ];

    private readonly string folder = Path.Combine(Path.GetTempPath(), "mixtralps-hybrid-" + Guid.NewGuid().ToString("N"));

    public HybridSearchTests()
    {
        Directory.CreateDirectory(folder);
        TestIndexes.Write(Index, Documents);
    }

    private string Index => Path.Combine(folder, "docs.ragidx");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData(RetrievalMode.Hybrid, "disk full error")]
    [InlineData(RetrievalMode.Hybrid, "Rayleigh scattering")]
    [InlineData(RetrievalMode.Vector, "disk full error")]
    [InlineData(RetrievalMode.Keyword, "blue sky")]
    public async Task SearchAsyncAnswersAsSearchWithTheVector(RetrievalMode mode, string question)
    {
        using var reader = RagIndexReader.Open(Index);
        var vector = TestIndexes.Vector(question);
        var expected = reader.Search(new RagQuery(question, mode == RetrievalMode.Keyword ? null : vector, 3, mode));

        var actual = await reader.SearchAsync(new RagQuery(question, null, 3, mode), _ => Task.FromResult(vector), CancellationToken.None);

        Assert.NotEmpty(expected);
        Assert.Equal(Describe(expected), Describe(actual));
    }

    [Fact]
    public async Task HybridResultsCarryBothHalves()
    {
        using var reader = RagIndexReader.Open(Index);
        var question = "E1234 disk";

        var hits = await reader.SearchAsync(new RagQuery(question, null, 5, RetrievalMode.Hybrid), _ => Task.FromResult(TestIndexes.Vector(question)), CancellationToken.None);

        var top = hits.Single(h => h.Source == "alpha.txt");
        Assert.Equal(1, top.KeywordRank);
        Assert.NotNull(top.VectorRank);
        Assert.All(hits, h => Assert.True(h.VectorRank is not null || h.KeywordRank is not null));
    }

    [Fact]
    public async Task KeywordSearchNeverEmbedsTheQuestion()
    {
        using var reader = RagIndexReader.Open(Index);

        var hits = await reader.SearchAsync(
            new RagQuery("Rayleigh", null, 2, RetrievalMode.Keyword),
            _ => throw new InvalidOperationException("a keyword search embedded its question"),
            CancellationToken.None);

        Assert.Equal(2, hits.Count);
    }

    [Fact]
    public async Task AFailedEmbeddingLeavesTheReaderWhole()
    {
        using var reader = RagIndexReader.Open(Index);

        // The keyword half is running on another thread when the embedding fails; the reader must be usable at once.
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => reader.SearchAsync(
            new RagQuery("disk full", null, 3, RetrievalMode.Hybrid),
            async _ =>
            {
                await Task.Yield();
                throw new InvalidOperationException("model failed");
            },
            CancellationToken.None));

        Assert.Equal("model failed", ex.Message);
        Assert.NotEmpty(reader.Search(new RagQuery("disk full", TestIndexes.Vector("disk full"), 3)));
    }

    [Fact]
    public async Task CancellationReachesTheEmbedding()
    {
        using var reader = RagIndexReader.Open(Index);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader.SearchAsync(
            new RagQuery("disk full", null, 3, RetrievalMode.Hybrid),
            async ct =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return TestIndexes.Vector("never");
            },
            cancel.Token));

        Assert.NotEmpty(reader.Search(new RagQuery("disk", null, 3, RetrievalMode.Keyword)));
    }

    [Fact]
    public async Task AVectorOfAnotherModelIsRefused()
    {
        using var reader = RagIndexReader.Open(Index);

        var ex = await Assert.ThrowsAsync<RagIndexException>(() => reader.SearchAsync(
            new RagQuery("disk full", null, 3, RetrievalMode.Hybrid), _ => Task.FromResult(new float[384]), CancellationToken.None));

        Assert.Equal(RagIndexErrorKind.ModelMismatch, ex.Kind);
        Assert.NotEmpty(reader.Search(new RagQuery("disk", null, 3, RetrievalMode.Keyword)));
    }

    private static List<string> Describe(IReadOnlyList<RagContextChunk> hits) =>
        hits.Select(h => $"{h.Rank} {h.Source} {h.Score:R} v{h.VectorRank}:{h.VectorScore:R} k{h.KeywordRank}:{h.KeywordScore:R}").ToList();
}
