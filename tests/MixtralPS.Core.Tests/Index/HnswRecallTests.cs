using MixtralPS.Core.Index;

namespace MixtralPS.Core.Tests.Index;

/// <summary>5,000 clustered 384-dimensional vectors, built once with the default settings, shared by the tests below.</summary>
public sealed class ClusteredIndexFixture : IDisposable
{
    public const int Dimensions = 384;
    public const int Count = 5000;
    public const int QueryCount = 100;

    public ClusteredIndexFixture()
    {
        Data = ClusteredVectors.Sample(Count, Dimensions, clusters: 50, seed: 42, stream: 1);
        Queries = ClusteredVectors.Sample(QueryCount, Dimensions, clusters: 50, seed: 42, stream: 2);
        Index = HnswIndex.Create(Dimensions, HnswSettings.Default);
        Index.AddRange(Enumerable.Range(0, Count).Select(i => (ulong)i).ToArray(), Data);
    }

    public float[] Data { get; }

    public float[] Queries { get; }

    public HnswIndex Index { get; }

    public ReadOnlySpan<float> Query(int i) => Queries.AsSpan(i * Dimensions, Dimensions);

    public void Dispose() => Index.Dispose();
}

public sealed class HnswRecallTests(ClusteredIndexFixture fixture) : IClassFixture<ClusteredIndexFixture>
{
    private const int K = 10;

    [Fact]
    public void Recall_at_10_against_exact_search_is_at_least_098()
    {
        var hits = 0;
        for (var q = 0; q < ClusteredIndexFixture.QueryCount; q++)
        {
            var exact = ClusteredVectors.Exact(fixture.Data, ClusteredIndexFixture.Dimensions, fixture.Query(q), K);
            hits += fixture.Index.Search(fixture.Query(q), K).Count(r => exact.Contains(r.Key));
        }

        var recall = hits / (double)(ClusteredIndexFixture.QueryCount * K);
        Assert.True(recall >= 0.98, $"recall@{K} = {recall:0.0000}");
    }

    [Fact]
    public void Saved_then_loaded_or_viewed_gives_the_same_results()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mixtralps-hnsw-{Guid.NewGuid():N}.usearch");
        try
        {
            fixture.Index.Save(path);
            using var loaded = HnswIndex.Load(path, HnswSettings.Default, ClusteredIndexFixture.Dimensions);
            using var viewed = HnswIndex.View(path, HnswSettings.Default, ClusteredIndexFixture.Dimensions);
            Assert.Equal(ClusteredIndexFixture.Count, loaded.Count);
            Assert.Equal(ClusteredIndexFixture.Count, viewed.Count);
            Assert.Equal(fixture.Index.Connectivity, viewed.Connectivity);
            for (var q = 0; q < 20; q++)
            {
                var original = fixture.Index.Search(fixture.Query(q), K);
                Assert.Equal(original, loaded.Search(fixture.Query(q), K));
                Assert.Equal(original, viewed.Search(fixture.Query(q), K));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
