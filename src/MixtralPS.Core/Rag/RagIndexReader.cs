using System.Globalization;
using System.Numerics.Tensors;
using MixtralPS.Core.Index;

namespace MixtralPS.Core.Rag;

/// <summary>
/// Queries an index: the graph of the database's current generation, memory-mapped; when that graph is not
/// there yet (a writer is at work, or it was deleted) an exact scan of the stored embeddings, which is slower
/// but never wrong. Readers take no lock and see only committed documents.
/// </summary>
public sealed class RagIndexReader : IDisposable
{
    /// <summary>Above this many chunks a filtered query uses the graph with a wider search instead of an exact scan.</summary>
    private const int ExactFilterLimit = 50_000;

    private readonly RagDatabase db;
    private readonly HnswIndex? graph;

    /// <summary>Rows each keyword matches (counted up to the search's budget), valid for this reader's generation.</summary>
    private readonly Dictionary<string, long> keywordRowCounts = new(StringComparer.Ordinal);

    /// <summary>Embeddings of the chunks the graph cannot reach, scored exactly beside each graph search.</summary>
    private readonly Dictionary<long, float[]> unreachable;
    private (long[] Ids, float[] Vectors)? exact;

    private RagIndexReader(RagIndexPaths paths, RagDatabase db, long generation, HnswIndex? graph, Dictionary<long, float[]> unreachable)
    {
        this.unreachable = unreachable;
        Paths = paths;
        this.db = db;
        Generation = generation;
        this.graph = graph;
    }

    public RagIndexPaths Paths { get; }

    public RagIndexSettings Settings => db.Settings;

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

    public static RagIndexReader Open(string folder, HnswSettings? graphSettings = null)
    {
        var paths = new RagIndexPaths(folder);
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
            return new RagIndexReader(paths, db, generation, graph, unreachable);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>Whether the index has changed since this reader opened it.</summary>
    public bool IsStale() => db.Generation() != Generation;

    /// <summary>The best chunks for a query, best first, by vector, keyword or both fused.</summary>
    public IReadOnlyList<RagContextChunk> Search(RagQuery query)
    {
        Validate(query);
        if (query.Mode != RetrievalMode.Keyword && query.Vector is null)
        {
            throw new ArgumentException($"{query.Mode} search needs the query's embedding.", nameof(query));
        }

        return query.Top < 1 ? [] : Search(query, StartKeywordHalf(query));
    }

    /// <summary>
    /// The best chunks for a question not embedded yet: <paramref name="embedQuestion"/> makes its vector while the
    /// keyword half of a hybrid search, which needs only the words, runs on another thread.
    /// </summary>
    public async Task<IReadOnlyList<RagContextChunk>> SearchAsync(
        RagQuery query, Func<CancellationToken, Task<float[]>> embedQuestion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embedQuestion);
        Validate(query);
        if (query.Mode == RetrievalMode.Keyword || query.Vector is not null || query.Top < 1)
        {
            return Search(query);
        }

        var keyword = StartKeywordHalf(query);
        try
        {
            var embedded = query with { Vector = await embedQuestion(cancellationToken).ConfigureAwait(false) };
            Validate(embedded);
            return Search(embedded, keyword);
        }
        catch when (keyword is not null)
        {
            // The keyword half holds the database connection: it must be done before the reader is used again or closed.
            await ((Task)keyword).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
    }

    private void Validate(RagQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Mode != RetrievalMode.Vector && !Settings.HasKeywordIndex)
        {
            throw new RagIndexException(RagIndexErrorKind.SettingsMismatch, Paths.Database,
                $"The index '{Paths.Folder}' has no keyword index (it was built before hybrid retrieval), so a {query.Mode} search cannot run. Run New-RagIndex -Path '{Paths.Folder}' once to add it, or use -Mode Vector.");
        }

        if (query.Vector is { } vector && vector.Length != Settings.Dimensions)
        {
            throw new RagIndexException(RagIndexErrorKind.ModelMismatch, Paths.Database,
                $"The query vector has {vector.Length} dimensions but the index '{Paths.Folder}' holds {Settings.Dimensions} ({Settings.EmbeddingModel}); embed the query with the index's model.");
        }
    }

    private static int Depth(RagQuery query) => Math.Max(query.Top, query.Depth);

    /// <summary>
    /// The keyword half of an unfiltered hybrid query over the graph, started on another thread: it takes about as
    /// long as embedding the question, and the graph search needs no database, so the two halves overlap. Null when
    /// the query runs its halves one after the other (a source filter or an exact scan reads the database for both).
    /// </summary>
    private Task<List<(long Id, float Score)>>? StartKeywordHalf(RagQuery query) =>
        query.Mode == RetrievalMode.Hybrid && query.SourceFilter is null && graph is not null && query.Top > 0
            ? Task.Run(() => KeywordHits(query.Text, Depth(query), null))
            : null;

    /// <summary>The search proper; <paramref name="keyword"/>, when started, is the keyword half of a hybrid query.</summary>
    private List<RagContextChunk> Search(RagQuery query, Task<List<(long Id, float Score)>>? keyword)
    {
        List<FusedHit> hits;
        try
        {
            hits = query.Mode switch
            {
                RetrievalMode.Vector => VectorHits(query.Vector!, query.Top, query.SourceFilter)
                    .Select((h, i) => new FusedHit(h.Id, h.Score, i + 1, h.Score, null, null)).ToList(),
                RetrievalMode.Keyword => KeywordHits(query.Text, query.Top, query.SourceFilter)
                    .Select((h, i) => new FusedHit(h.Id, h.Score, null, null, i + 1, h.Score)).ToList(),
                _ when keyword is not null => OverlappedHybridHits(query, keyword),
                _ => RankFusion.Fuse(VectorHits(query.Vector!, Depth(query), query.SourceFilter), KeywordHits(query.Text, Depth(query), query.SourceFilter), query.FusionK),
            };
        }
        catch when (keyword is not null)
        {
            ((IAsyncResult)keyword).AsyncWaitHandle.WaitOne();
            throw;
        }

        if (query.MinScore is { } min)
        {
            hits = hits.Where(h => h.Score >= min).ToList();
        }

        return Materialise(hits.Take(query.Top).ToList(), query, query.SourceFilter);
    }

    /// <summary>The graph searched while the keyword half runs; the connection is used again only once that is done.</summary>
    private List<FusedHit> OverlappedHybridHits(RagQuery query, Task<List<(long Id, float Score)>> keyword)
    {
        var depth = Depth(query);
        var candidates = GraphCandidates(query.Vector!, depth);
        var keywordHits = keyword.GetAwaiter().GetResult();
        return RankFusion.Fuse(Rescore(query.Vector!, candidates, depth), keywordHits, query.FusionK);
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
            return KeywordIndex.Search(db.Connection, text, count, rowCounts: keywordRowCounts);
        }

        for (var k = count * 8; ; k *= 4)
        {
            var candidates = KeywordIndex.Search(db.Connection, text, k, rowCounts: keywordRowCounts);
            var chunks = db.Chunks(candidates.Select(c => c.Id).ToList());
            var kept = candidates.Where(c => chunks.TryGetValue(c.Id, out var chunk) && sourceFilter(chunk.Source)).Take(count).ToList();
            if (kept.Count >= count || candidates.Count < k)
            {
                return kept;
            }
        }
    }

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

    private List<RagContextChunk> Materialise(List<FusedHit> hits, RagQuery query, Func<string, bool>? sourceFilter)
    {
        var chunks = db.Chunks(hits.Select(h => h.Id).ToList());
        var results = new List<RagContextChunk>(hits.Count);
        foreach (var hit in hits)
        {
            var id = hit.Id;
            // A chunk removed since the graph was written is skipped; ids are never reused.
            if (!chunks.TryGetValue(id, out var chunk) || (sourceFilter is not null && !sourceFilter(chunk.Source)))
            {
                continue;
            }

            results.Add(new RagContextChunk
            {
                Rank = results.Count + 1,
                Score = hit.Score,
                Mode = query.Mode,
                VectorRank = hit.VectorRank,
                VectorScore = hit.VectorScore,
                KeywordRank = hit.KeywordRank,
                KeywordScore = hit.KeywordScore,
                Text = chunk.Text,
                Source = chunk.Source,
                Start = chunk.Start,
                Length = chunk.Length,
                Ordinal = chunk.Ordinal,
                Page = chunk.Page,
                ChunkId = id,
                Query = query.Text,
                IndexPath = Paths.Folder,
            });
        }

        return results;
    }

    public void Dispose()
    {
        graph?.Dispose();
        db.Dispose();
    }
}
