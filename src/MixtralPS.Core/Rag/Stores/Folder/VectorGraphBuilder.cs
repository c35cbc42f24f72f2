using System.Globalization;
using MixtralPS.Core.Index;

namespace MixtralPS.Core.Rag.Stores.Folder;

/// <summary>
/// Derives the HNSW graph file from the database. After a write session the previous graph is updated
/// (its removed chunks taken out, chunks added since put in) when it is the one the session started from;
/// otherwise, or when it is missing or unreadable, the graph is rebuilt from every stored embedding.
/// </summary>
internal static class VectorGraphBuilder
{
    public static void Sync(
        RagIndexPaths paths, RagDatabase db, long startGeneration, long lastChunkIdAtStart, IReadOnlyCollection<long> removedChunkIds,
        HnswSettings settings, Action<string>? log, CancellationToken cancellationToken)
    {
        var generation = db.Generation();
        var target = paths.Vectors(generation);
        if (File.Exists(target))
        {
            return;
        }

        HnswIndex? graph = null;
        try
        {
            var previous = paths.Vectors(startGeneration);
            if (File.Exists(previous))
            {
                try
                {
                    graph = HnswIndex.Load(previous, settings, db.Settings.Dimensions);
                }
                catch (Exception ex) when (ex is IOException or InvalidDataException or ArgumentException)
                {
                    log?.Invoke($"The graph '{previous}' could not be read ({ex.Message}); rebuilding it from the database.");
                }
            }

            if (graph is not null && graph.Dimensions == db.Settings.Dimensions)
            {
                foreach (var id in removedChunkIds)
                {
                    graph.Remove((ulong)id);
                }

                Add(graph, db.Embeddings("c.id > $last", c => c.Parameters.AddWithValue("$last", lastChunkIdAtStart)), cancellationToken);
                log?.Invoke($"Updated the vector graph: {removedChunkIds.Count} chunks out, now {graph.Count} in all.");
            }
            else
            {
                graph?.Dispose();
                graph = HnswIndex.Create(db.Settings.Dimensions, settings);
                Add(graph, db.Embeddings(), cancellationToken);
                log?.Invoke($"Built the vector graph from the database: {graph.Count} chunks.");
            }

            var unreachable = Unreachable(graph, db.Embeddings(), cancellationToken);
            File.WriteAllLines(paths.Unreachable(generation), unreachable.Select(id => id.ToString(CultureInfo.InvariantCulture)));
            if (unreachable.Count > 0)
            {
                log?.Invoke($"{unreachable.Count} of {graph.Count} chunks cannot be reached through the graph; queries score them exactly.");
            }

            graph.Save(target);
        }
        finally
        {
            graph?.Dispose();
        }

        RemoveOlder(paths, generation);
    }

    /// <summary>Adds in batches: AddRange uses every core, and memory holds one batch, not the whole index.</summary>
    private static void Add(HnswIndex graph, IEnumerable<(long Id, float[] Vector)> vectors, CancellationToken cancellationToken)
    {
        const int BatchSize = 4096;
        var keys = new List<ulong>(BatchSize);
        var batch = new List<float[]>(BatchSize);
        foreach (var (id, vector) in vectors)
        {
            keys.Add((ulong)id);
            batch.Add(vector);
            if (keys.Count == BatchSize)
            {
                graph.AddRange(keys, batch, cancellationToken: cancellationToken);
                keys.Clear();
                batch.Clear();
            }
        }

        if (keys.Count > 0)
        {
            graph.AddRange(keys, batch, cancellationToken: cancellationToken);
        }
    }

    /// <summary>
    /// The vectors a search for themselves does not find: nodes the graph's pruning left with no way in. They are
    /// few (4 of SciFact's 5,183) but each is a document no query could ever retrieve through the graph.
    /// </summary>
    private static List<long> Unreachable(HnswIndex graph, IEnumerable<(long Id, float[] Vector)> vectors, CancellationToken cancellationToken)
    {
        var found = new System.Collections.Concurrent.ConcurrentBag<long>();
        var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.ForEach(vectors, options, item =>
        {
            // Ten, not one: a duplicate vector may come first.
            var hits = graph.Search(item.Vector, 10);
            if (!hits.Any(h => h.Key == (ulong)item.Id))
            {
                found.Add(item.Id);
            }
        });
        return found.Order().ToList();
    }

    /// <summary>Older graphs go; one still mapped by a reader elsewhere is left for a later run (Windows refuses to delete it).</summary>
    private static void RemoveOlder(RagIndexPaths paths, long generation)
    {
        foreach (var (older, file) in paths.VectorFiles())
        {
            if (older < generation)
            {
                try
                {
                    File.Delete(paths.Unreachable(older));
                    File.Delete(file);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // In use; the next writer tries again.
                }
            }
        }
    }
}
