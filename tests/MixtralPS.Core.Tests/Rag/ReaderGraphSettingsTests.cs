using MixtralPS.Core.Index;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;
using MixtralPS.Core.Rag.Stores.Folder;
using Xunit;

namespace MixtralPS.Core.Tests.Rag;

/// <summary>Retrieval trades a little speed for recall: its graph searches keep more candidates than the index default.</summary>
public sealed class ReaderGraphSettingsTests
{
    [Theory]
    [InlineData(5_183, 128)]
    [InlineData(100_000, 128)]
    [InlineData(1_000_000, 128)]
    [InlineData(4_000_000, 256)]
    public void Queries_keep_at_least_128_candidates_and_more_on_big_graphs(long chunks, int expected)
    {
        Assert.Equal(expected, RagIndexReader.GraphSettings.ExpansionSearchFor(chunks));
        Assert.True(RagIndexReader.GraphSettings.ExpansionSearchFor(chunks) >= HnswSettings.Default.ExpansionSearchFor(chunks));
    }

    [Fact]
    public void A_reader_opens_its_graph_with_those_settings()
    {
        using var folder = new Documents.TempFolder();
        var index = Path.Combine(folder.Path, "a.ragidx");
        TestIndexes.Write(index, ("one.txt", "alpha"), ("two.txt", "beta"));
        var (_, file) = Assert.Single(new RagIndexPaths(index).VectorFiles());
        using var graph = HnswIndex.View(file, RagIndexReader.GraphSettings, 2);
        Assert.Equal(128, graph.ExpansionSearch);
        Assert.Equal(HnswSettings.Default.Connectivity, graph.Connectivity);
    }
}
