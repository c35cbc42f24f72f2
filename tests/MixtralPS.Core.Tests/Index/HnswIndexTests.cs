using MixtralPS.Core.Index;

namespace MixtralPS.Core.Tests.Index;

public sealed class HnswIndexTests
{
    private const int Dimensions = 16;

    [Fact]
    public void A_vector_finds_itself_first_with_similarity_one()
    {
        using var index = HnswIndex.Create(Dimensions, HnswSettings.Default);
        var data = ClusteredVectors.Sample(300, Dimensions, clusters: 10, seed: 1, stream: 1);
        for (var i = 0; i < 300; i++)
        {
            index.Add((ulong)(1000 + i), data.AsSpan(i * Dimensions, Dimensions));
        }

        Assert.Equal(300, index.Count);
        for (var i = 0; i < 300; i += 37)
        {
            var (key, similarity) = index.Search(data.AsSpan(i * Dimensions, Dimensions), 5)[0];
            Assert.Equal((ulong)(1000 + i), key);
            Assert.Equal(1f, similarity, 0.0001f);
        }
    }

    [Fact]
    public void Similarity_is_the_cosine_and_results_come_best_first()
    {
        using var index = HnswIndex.Create(3, HnswSettings.Default);
        index.Add(1, [1, 0, 0]);
        index.Add(2, [1, 1, 0]); // not normalised: the cosine metric does not need it
        index.Add(3, [0, 0, 1]);
        index.Add(4, [-1, 0, 0]);

        var results = index.Search([2, 0, 0], 10);

        Assert.Equal([1UL, 2, 3, 4], results.Select(r => r.Key));
        Assert.Equal([1f, MathF.Sqrt(0.5f), 0f, -1f], results.Select(r => r.Similarity), new ToleranceComparer(0.0001f));
        Assert.Equal(2, index.Search([1, 0, 0], 2).Count);
    }

    [Fact]
    public void An_empty_index_finds_nothing()
    {
        using var index = HnswIndex.Create(Dimensions, HnswSettings.Default);
        Assert.Empty(index.Search(Unit(0), 10));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Removed_keys_are_no_longer_found_and_can_be_added_again()
    {
        using var index = HnswIndex.Create(Dimensions, HnswSettings.Default);
        for (var i = 0; i < Dimensions; i++)
        {
            index.Add((ulong)i, Unit(i));
        }

        Assert.True(index.Remove(3));
        Assert.False(index.Remove(3));
        Assert.False(index.Contains(3));
        Assert.Equal(Dimensions - 1, index.Count);
        Assert.DoesNotContain(3UL, index.Search(Unit(3), Dimensions).Select(r => r.Key));

        index.Add(3, Unit(3));
        Assert.Equal(3UL, index.Search(Unit(3), 1)[0].Key);
        Assert.Equal(Dimensions, index.Count);
    }

    [Fact]
    public void Wrong_dimensions_are_refused_with_the_sizes_in_the_message()
    {
        using var index = HnswIndex.Create(Dimensions, HnswSettings.Default);
        var add = Assert.Throws<ArgumentException>(() => index.Add(1, new float[Dimensions + 1]));
        Assert.Contains($"{Dimensions}-dimensional", add.Message);
        Assert.Contains($"{Dimensions + 1}", add.Message);
        Assert.Throws<ArgumentException>(() => index.Search(new float[Dimensions - 1], 3));
        Assert.Throws<ArgumentException>(() => index.AddRange([1, 2], new float[Dimensions * 3]));
        Assert.Throws<ArgumentException>(() => index.AddRange([1, 2], [Unit(0)]));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Zero_and_non_finite_vectors_are_refused()
    {
        using var index = HnswIndex.Create(Dimensions, HnswSettings.Default);
        Assert.Throws<ArgumentException>(() => index.Add(1, new float[Dimensions]));
        var nan = Unit(0);
        nan[1] = float.NaN;
        Assert.Throws<ArgumentException>(() => index.Add(1, nan));
        Assert.Throws<ArgumentException>(() => index.Search(new float[Dimensions], 3));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Duplicate_keys_are_refused_and_a_refused_range_adds_nothing()
    {
        using var index = HnswIndex.Create(Dimensions, HnswSettings.Default);
        index.Add(7, Unit(7));
        Assert.Contains("already", Assert.Throws<InvalidOperationException>(() => index.Add(7, Unit(1))).Message);
        Assert.Throws<InvalidOperationException>(() => index.AddRange([1, 2, 7], [Unit(1), Unit(2), Unit(3)]));
        Assert.Throws<ArgumentException>(() => index.AddRange([1, 2, 1], [Unit(1), Unit(2), Unit(3)]));
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void Settings_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HnswIndex.Create(Dimensions, new HnswSettings(Connectivity: 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => HnswIndex.Create(Dimensions, new HnswSettings(ExpansionSearch: -1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => HnswIndex.Create(Dimensions, new HnswSettings(MinExpansionSearch: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => HnswIndex.Create(0, HnswSettings.Default));
    }

    [Theory]
    [InlineData(0, 64)]
    [InlineData(100_000, 64)]
    [InlineData(250_000, 64)]
    [InlineData(500_000, 91)]
    [InlineData(1_000_000, 128)]
    [InlineData(4_000_000, 256)]
    [InlineData(100_000_000, 512)]
    public void By_default_the_search_expansion_grows_with_the_graph(long vectors, int expected)
    {
        Assert.Equal(expected, HnswSettings.Default.ExpansionSearchFor(vectors));
        Assert.Equal(200, new HnswSettings(ExpansionSearch: 200).ExpansionSearchFor(vectors));
        Assert.Equal(Math.Max(128, expected), (HnswSettings.Default with { MinExpansionSearch = 128 }).ExpansionSearchFor(vectors));
    }

    [Fact]
    public void An_index_searches_with_the_expansion_its_settings_give_for_its_size()
    {
        using var scaled = HnswIndex.Create(Dimensions, HnswSettings.Default);
        using var fixedExpansion = HnswIndex.Create(Dimensions, new HnswSettings(ExpansionSearch: 200));
        var data = ClusteredVectors.Sample(100, Dimensions, clusters: 5, seed: 3, stream: 1);
        scaled.AddRange(Enumerable.Range(0, 100).Select(i => (ulong)i).ToArray(), data);
        fixedExpansion.AddRange(Enumerable.Range(0, 100).Select(i => (ulong)i).ToArray(), data);

        Assert.Equal(64, scaled.ExpansionSearch);
        Assert.Equal(200, fixedExpansion.ExpansionSearch);
    }

    [Fact]
    public async Task Searches_from_more_threads_than_contexts_run_while_a_range_is_added()
    {
        const int Count = 3000;
        var data = ClusteredVectors.Sample(Count, Dimensions, clusters: 20, seed: 2, stream: 1);
        using var index = HnswIndex.Create(Dimensions, new HnswSettings(Threads: 2));
        index.AddRange(Enumerable.Range(0, 100).Select(i => (ulong)i).ToArray(), data.AsMemory(0, 100 * Dimensions));
        var progress = new List<int>();
        var adding = Task.Run(() => index.AddRange(
            Enumerable.Range(100, Count - 100).Select(i => (ulong)i).ToArray(),
            data.AsMemory(100 * Dimensions),
            new SynchronousProgress(progress)));
        // The search is approximate, the more so while the graph changes under it: what must hold is that every
        // search answers with keys that exist, and that nearly every vector still finds itself.
        var foundThemselves = 0;
        var searchers = Enumerable.Range(0, 6).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                var row = (t * 200 + i) % 100;
                var hits = index.Search(data.AsSpan(row * Dimensions, Dimensions), 3);
                Assert.NotEmpty(hits);
                Assert.All(hits, h => Assert.InRange(h.Key, 0UL, (ulong)Count - 1));
                if (hits.Any(h => h.Key == (ulong)row))
                {
                    Interlocked.Increment(ref foundThemselves);
                }
            }
        })).ToArray();
        await Task.WhenAll([adding, .. searchers]);

        Assert.InRange(foundThemselves, 6 * 200 * 95 / 100, 6 * 200);
        Assert.Equal(Count, index.Count);
        Assert.Equal(Count - 100, progress.Max());
        var rows = Enumerable.Range(0, Count).Where(r => r % 31 == 0).ToList();
        var found = rows.Count(row => index.Search(data.AsSpan(row * Dimensions, Dimensions), 1)[0].Key == (ulong)row);
        Assert.InRange(found, rows.Count * 95 / 100, rows.Count);
    }

    [Fact]
    public void A_disposed_index_says_so()
    {
        var index = HnswIndex.Create(Dimensions, HnswSettings.Default);
        index.Add(1, Unit(1));
        index.Dispose();
        index.Dispose();
        Assert.Throws<ObjectDisposedException>(() => index.Search(Unit(1), 1));
        Assert.Throws<ObjectDisposedException>(() => index.Add(2, Unit(2)));
        Assert.Throws<ObjectDisposedException>(() => index.Count);
    }

    internal static float[] Unit(int axis, int dimensions = Dimensions)
    {
        var vector = new float[dimensions];
        vector[axis % dimensions] = 1;
        return vector;
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; this records in the reporting thread, in order.</summary>
    private sealed class SynchronousProgress(List<int> values) : IProgress<int>
    {
        public void Report(int value)
        {
            lock (values)
            {
                values.Add(value);
            }
        }
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
