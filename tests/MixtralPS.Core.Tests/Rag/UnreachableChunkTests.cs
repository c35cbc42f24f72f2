using MixtralPS.Core.Index;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;
using MixtralPS.Core.Rag.Stores.Folder;
using MixtralPS.Core.Tests.Documents;
using Xunit;

namespace MixtralPS.Core.Tests.Rag;

/// <summary>Chunks the graph cannot reach (listed beside it at build time) are still found, scored exactly.</summary>
public sealed class UnreachableChunkTests
{
    [Fact]
    public void A_build_lists_the_chunks_its_graph_cannot_reach_and_none_here()
    {
        using var folder = new TempFolder();
        var index = Path.Combine(folder.Path, "a.ragidx");
        TestIndexes.Write(index, ("one.txt", "alpha"), ("two.txt", "beta"), ("three.txt", "gamma"));
        var paths = new RagIndexPaths(index);
        var generation = Assert.Single(paths.VectorFiles()).Generation;
        Assert.Empty(File.ReadAllLines(paths.Unreachable(generation)));

        // A second write session replaces both files of the older generation.
        TestIndexes.Write(index, ("four.txt", "delta"));
        var newer = Assert.Single(paths.VectorFiles()).Generation;
        Assert.True(newer > generation);
        Assert.False(File.Exists(paths.Unreachable(generation)));
        Assert.True(File.Exists(paths.Unreachable(newer)));
    }

    [Fact]
    public void A_chunk_the_graph_lost_is_found_when_listed()
    {
        using var folder = new TempFolder();
        var index = Path.Combine(folder.Path, "a.ragidx");
        TestIndexes.Write(index, ("one.txt", "alpha"), ("two.txt", "beta"), ("three.txt", "gamma"));
        var paths = new RagIndexPaths(index);
        var (generation, file) = Assert.Single(paths.VectorFiles());
        long lost;
        using (var reader = RagIndexReader.Open(index))
        {
            lost = reader.Search(new RagQuery("beta", TestIndexes.Vector("beta"), 1, RetrievalMode.Vector))[0].ChunkId;
        }

        // Take the chunk out of the graph, as if pruning had left it no way in.
        using (var graph = HnswIndex.Load(file, HnswSettings.Default, 2))
        {
            Assert.True(graph.Remove((ulong)lost));
            graph.Save(file);
        }

        using (var reader = RagIndexReader.Open(index))
        {
            Assert.DoesNotContain(reader.Search(new RagQuery("beta", TestIndexes.Vector("beta"), 3, RetrievalMode.Vector)), c => c.ChunkId == lost);
        }

        File.WriteAllLines(paths.Unreachable(generation), [lost.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using (var reader = RagIndexReader.Open(index))
        {
            var best = reader.Search(new RagQuery("beta", TestIndexes.Vector("beta"), 1, RetrievalMode.Vector))[0];
            Assert.Equal(lost, best.ChunkId);
            Assert.Equal(1f, best.Score, 0.0001f);
        }
    }
}
