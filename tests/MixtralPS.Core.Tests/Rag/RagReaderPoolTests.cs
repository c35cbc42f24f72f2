using MixtralPS.Core.Rag;
using MixtralPS.Core.Tests.Documents;
using Xunit;

namespace MixtralPS.Core.Tests.Rag;

public sealed class RagReaderPoolTests
{
    [Fact]
    public void Reuses_a_returned_reader_and_gives_parallel_callers_their_own()
    {
        using var folder = new TempFolder();
        var index = NewIndex(folder, "a.ragidx");
        var pool = new RagReaderPool(capacity: 4);

        var first = pool.Rent(index);
        var second = pool.Rent(index);
        Assert.NotSame(first, second);
        pool.Return(index, first);
        pool.Return(index, second);
        Assert.Equal(2, pool.Count);

        var again = pool.Rent(index);
        Assert.True(ReferenceEquals(again, first) || ReferenceEquals(again, second));
        pool.Return(index, again);
    }

    [Fact]
    public void Closes_the_least_recently_used_past_its_capacity()
    {
        using var folder = new TempFolder();
        var pool = new RagReaderPool(capacity: 2);
        var indexes = new[] { "a.ragidx", "b.ragidx", "c.ragidx" }.Select(name => NewIndex(folder, name)).ToList();
        var readers = indexes.Select(pool.Rent).ToList();
        for (var i = 0; i < readers.Count; i++)
        {
            pool.Return(indexes[i], readers[i]);
        }

        Assert.Equal(2, pool.Count);
        Assert.ThrowsAny<InvalidOperationException>(() => readers[0].Search(new RagQuery("alpha", null, 1, RetrievalMode.Keyword)));
        Assert.Same(readers[2], pool.Rent(indexes[2]));
    }

    [Fact]
    public void Replaces_a_reader_whose_index_changed()
    {
        using var folder = new TempFolder();
        var index = NewIndex(folder, "a.ragidx");
        var pool = new RagReaderPool(capacity: 4);
        var reader = pool.Rent(index);
        pool.Return(index, reader);

        TestIndexes.Write(index, ("two.txt", "beta"));
        var fresh = pool.Rent(index);
        Assert.NotSame(reader, fresh);
        Assert.Equal("two.txt", Assert.Single(fresh.Search(new RagQuery("beta", null, 1, RetrievalMode.Keyword))).Source);
    }

    private static string NewIndex(TempFolder folder, string name)
    {
        var index = Path.Combine(folder.Path, name);
        TestIndexes.Write(index, ("one.txt", "alpha"));
        return index;
    }
}
