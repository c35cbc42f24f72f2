using System.Globalization;
using System.Numerics.Tensors;
using MixtralPS.Core.Index;
using MixtralPS.Core.Rag.Text;

namespace MixtralPS.Core.Rag.Stores.Folder;

/// <summary>
/// Reads a folder index: the graph of the database's current generation, memory-mapped; when that graph is not
/// there yet (a writer is at work, or it was deleted) an exact scan of the stored embeddings, which is slower
/// but never wrong. Readers take no file lock and see only committed documents. One SQLite connection serves the
/// reader, so database work is serialised on <see cref="gate"/>; the graph is searched outside it.
/// </summary>
internal sealed class FolderStoreReader : IRagStoreReader
{
    /// <summary>Above this many chunks a filtered query uses the graph with a wider search instead of an exact scan.</summary>
    private const int ExactFilterLimit = 50_000;

    private readonly object gate = new();
    private readonly RagDatabase db;
    private readonly HnswIndex? graph;

    /// <summary>Rows each keyword matches (counted up to the search's budget), valid for this reader's generation.</summary>
    private readonly Dictionary<string, long> keywordRowCounts = new(StringComparer.Ordinal);

    /// <summary>Embeddings of the chunks the graph cannot reach, scored exactly beside each graph search.</summary>
    private readonly Dictionary<long, float[]> unreachable;
    private (long[] Ids, float[] Vectors)? exact;

    private FolderStoreReader(FolderIndexLocation location, RagDatabase db, long generation, HnswIndex? graph, Dictionary<long, float[]> unreachable)
    {
        this.unreachable = unreachable;
        Location = location;
        this.db = db;
        Generation = generation;
        this.graph = graph;
    }

    public FolderIndexLocation Location { get; }

    RagIndexLocation IRagStoreReader.Location => Location;

    private RagIndexPaths Paths => Location.Paths;

    public RagIndexSettings Settings => db.Settings;

    public string? Degraded => graph is null ? "the vector graph is not current; searching the stored embeddings exactly" : null;

    /// <summary>The committed state this reader's graph belongs to.</summary>
    public long Generation { get; }

    /// <summary>Whether queries use the HNSW graph (false: exact scan).</summary>
    public bool UsesGraph => graph is not null;

    /// <summary>
    /// Searches keep at least 128 candidates, more on graphs over a million chunks. On SciFact's real text vectors
    /// 128 ranks as an exact search does (nDCG@10 0.64508 both), while the 64 a small graph would get by default lost
    /// two relevant documents of 300 queries (0.64175); at 100,000 chunks the difference costs under a millisecond
    /// beside the query's embedding.
    /// </summary>
    public static HnswSettings GraphSettings { get; } = HnswSettings.Default with { MinExpansionSearch = 128 };

    public static FolderStoreReader Open(FolderIndexLocation location, HnswSettings? graphSettings = null)
    {
        var paths = location.Paths;
        if (!Directory.Exists(paths.Folder))
        {
            throw new RagIndexException(RagIndexErrorKind.NotFound, paths.Folder, $"There is no index at '{paths.Folder}'. Create it with New-RagIndex -Path '{paths.Folder}'.");
        }

        var db = RagDatabase.Open(paths.Database, readOnly: true);
        try
        {
            var generation = db.Generation();
            HnswIndex? graph = null;
            var file = paths.Vectors(generation);
            if (File.Exists(file))
            {
                try
                {
                    graph = HnswIndex.View(file, graphSettings ?? GraphSettings, db.Settings.Dimensions);
                    if (graph.Dimensions != db.Settings.Dimensions)
                    {
                        graph.Dispose();
                        graph = null;
                    }
                }
                catch (Exception ex) when (ex is IOException or InvalidDataException or ArgumentException)
                {
                    graph = null;
                }
            }

            var unreachable = graph is null ? [] : ReadUnreachable(paths.Unreachable(generation), db);
            return new FolderStoreReader(location, db, generation, graph, unreachable);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>Whether the index has changed since this reader opened it.</summary>
    public bool IsStale()
    {
        lock (gate)
        {
            return db.Generation() != Generation;
        }
    }

    public Task<List<(long Id, float Score)>> NearestAsync(float[] vector, int count, Func<string, bool>? sourceFilter, CancellationToken cancellationToken)
    {
        if (sourceFilter is null && graph is not null)
        {
            // The graph needs no database: it is searched outside the lock, while a keyword half may hold it.
            var candidates = GraphCandidates(vector, count);
            lock (gate)
            {
                return Task.FromResult(Rescore(vector, candidates, count));
            }
        }

        lock (gate)
        {
            return Task.FromResult(VectorHits(vector, count, sourceFilter));
        }
    }

    public Task<List<(long Id, float Score)>> KeywordAsync(string question, int count, Func<string, bool>? sourceFilter, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(KeywordHits(question, count, sourceFilter));
        }
    }

    public Task<Dictionary<long, StoredChunk>> ChunksAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(db.Chunks(ids));
        }
    }

    public Task<IReadOnlyList<StoredDocument>> DocumentsAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<StoredDocument>>(db.Documents());
        }
    }

    public Task<IReadOnlyList<StoredChunk>> DocumentChunksAsync(string source, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<StoredChunk>>(db.DocumentChunks(source));
        }
    }

    private List<(long Id, float Score)> VectorHits(float[] query, int count, Func<string, bool>? sourceFilter)
    {
        if (sourceFilter is null)
        {
            return graph is not null ? GraphSearch(query, count) : ExactSearch(query, count, null);
        }

        var allowed = db.Documents().Where(d => sourceFilter(d.Source)).ToList();
        if (allowed.Count == 0)
        {
            return [];
        }

        return graph is not null && allowed.Sum(d => (long)d.ChunkCount) > ExactFilterLimit
            ? GraphSearchFiltered(query, count, allowed.Select(d => d.Source).ToHashSet(StringComparer.Ordinal))
            : ExactSearch(query, count, allowed.Select(d => d.Id).ToHashSet());
    }

    /// <summary>BM25 hits; with a source filter the search widens until enough hits pass it.</summary>
    private List<(long Id, float Score)> KeywordHits(string text, int count, Func<string, bool>? sourceFilter)
    {
        if (sourceFilter is null)
        {
            return KeywordIndex.Search(db.Connection, QueryTerms(text), count, rowCounts: keywordRowCounts);
        }

        for (var k = count * 8; ; k *= 4)
        {
            var candidates = KeywordIndex.Search(db.Connection, QueryTerms(text), k, rowCounts: keywordRowCounts);
            var chunks = db.Chunks(candidates.Select(c => c.Id).ToList());
            var kept = candidates.Where(c => chunks.TryGetValue(c.Id, out var chunk) && sourceFilter(chunk.Source)).Take(count).ToList();
            if (kept.Count >= count || candidates.Count < k)
            {
                return kept;
            }
        }
    }

    /// <summary>A question's FTS5 terms: the analyzer's for a schema 4 index, the raw words for an older one (FTS5 tokenizes those itself).</summary>
    private List<string> QueryTerms(string question) => Settings.HasAnalyzedTerms
        ? KeywordIndex.AnalyzedTerms(TextAnalyzer.For(Settings.Stemming), question)
        : KeywordIndex.Terms(question);

    /// <summary>
    /// The graph proposes candidates, a few more than asked for; their stored embeddings score and order them. The
    /// graph's own vectors are half precision and its search approximate: re-scoring in full precision makes the
    /// graph's answers rank exactly as an exact search would rank them, and the extra candidates make up for
    /// most of what the approximation misses.
    /// </summary>
    private List<(long Id, float Score)> GraphSearch(float[] query, int count) => Rescore(query, GraphCandidates(query, count), count);

    /// <summary>The graph's candidates for the best <paramref name="count"/>: a few more than asked for.</summary>
    private List<ulong> GraphCandidates(float[] query, int count) =>
        graph!.Search(query, Math.Min(graph.Count, count + Math.Clamp(count, 16, 64))).Select(h => h.Key).ToList();

    /// <summary>The best <paramref name="count"/> of the candidates and the unreachable chunks, by their stored embeddings.</summary>
    private List<(long Id, float Score)> Rescore(float[] query, List<ulong> candidates, int count)
    {
        var stored = db.EmbeddingsOf(candidates.Select(key => (long)key).ToList());
        foreach (var (id, vector) in unreachable)
        {
            stored.TryAdd(id, vector);
        }

        return stored
            .Select(s => (Id: s.Key, Score: TensorPrimitives.Dot(query, s.Value)))
            .OrderByDescending(h => h.Score)
            .ThenBy(h => h.Id)
            .Take(count)
            .ToList();
    }

    /// <summary>The unreachable chunks of the graph's generation that still exist; none when the file is missing (older indexes).</summary>
    private static Dictionary<long, float[]> ReadUnreachable(string file, RagDatabase db)
    {
        if (!File.Exists(file))
        {
            return [];
        }

        var ids = File.ReadAllLines(file)
            .Select(line => long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1)
            .Where(id => id > 0)
            .ToList();
        return db.EmbeddingsOf(ids);
    }

    /// <summary>Widens the graph search until enough hits pass the filter (or the whole graph was searched).</summary>
    private List<(long Id, float Score)> GraphSearchFiltered(float[] query, int top, HashSet<string> sources)
    {
        for (var k = top * 8; ; k *= 4)
        {
            var candidates = GraphSearch(query, Math.Min(k, graph!.Count));
            var chunks = db.Chunks(candidates.Select(c => c.Id).ToList());
            var kept = candidates.Where(c => chunks.TryGetValue(c.Id, out var chunk) && sources.Contains(chunk.Source)).ToList();
            if (kept.Count >= top || k >= graph.Count)
            {
                return kept;
            }
        }
    }

    /// <summary>Cosine against every stored embedding (vectors are normalised, so a dot product).</summary>
    private List<(long Id, float Score)> ExactSearch(float[] query, int top, HashSet<long>? documentIds)
    {
        var (ids, vectors) = documentIds is null ? exact ??= LoadAll(null) : LoadAll(documentIds);
        var dims = Settings.Dimensions;
        var best = new PriorityQueue<(long Id, float Score), float>(top + 1);
        for (var i = 0; i < ids.Length; i++)
        {
            var score = TensorPrimitives.Dot(query, vectors.AsSpan(i * dims, dims));
            if (best.Count < top)
            {
                best.Enqueue((ids[i], score), score);
            }
            else if (score > best.Peek().Score)
            {
                best.EnqueueDequeue((ids[i], score), score);
            }
        }

        var result = new List<(long Id, float Score)>(best.Count);
        while (best.Count > 0)
        {
            result.Add(best.Dequeue());
        }

        result.Reverse();
        return result;
    }

    private (long[] Ids, float[] Vectors) LoadAll(HashSet<long>? documentIds)
    {
        var ids = new List<long>();
        var vectors = new List<float>();
        var rows = documentIds is null
            ? db.Embeddings()
            : db.Embeddings($"d.id IN ({string.Join(",", documentIds)})");
        foreach (var (id, vector) in rows)
        {
            ids.Add(id);
            vectors.AddRange(vector);
        }

        return (ids.ToArray(), vectors.ToArray());
    }

    public void Dispose()
    {
        graph?.Dispose();
        db.Dispose();
    }
}
