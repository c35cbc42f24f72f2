using MixtralPS.Core.Index;
using MixtralPS.Core.Rag.Stores;
using MixtralPS.Core.Rag.Stores.Folder;

namespace MixtralPS.Core.Rag;

/// <summary>
/// Answers questions from an index, whatever store holds it: runs the mode asked for (the halves of a hybrid query
/// at once), fuses, applies the score threshold and builds the result objects. The store only finds candidates.
/// </summary>
public sealed class RagIndexReader : IDisposable
{
    public RagIndexReader(IRagStoreReader store)
    {
        Store = store ?? throw new ArgumentNullException(nameof(store));
    }

    public IRagStoreReader Store { get; }

    public RagIndexLocation Location => Store.Location;

    public RagIndexSettings Settings => Store.Settings;

    /// <summary>Why searches are slower than usual (for verbose output), or null.</summary>
    public string? Degraded => Store.Degraded;

    /// <summary>The folder store's graph search settings (at least 128 candidates; see FolderStoreReader).</summary>
    public static HnswSettings GraphSettings => FolderStoreReader.GraphSettings;

    /// <summary>Opens the folder index at <paramref name="folder"/>.</summary>
    public static RagIndexReader Open(string folder, HnswSettings? graphSettings = null) =>
        new(FolderStoreReader.Open(new FolderIndexLocation(folder), graphSettings));

    public static async Task<RagIndexReader> OpenAsync(RagIndexLocation location, CancellationToken cancellationToken) =>
        new(await RagStores.OpenReaderAsync(location, cancellationToken).ConfigureAwait(false));

    /// <summary>Whether the index has changed since this reader opened it in a way that needs a new reader.</summary>
    public bool IsStale() => Store.IsStale();

    /// <summary>The best chunks for a query whose vector (unless Keyword) is already in it.</summary>
    public IReadOnlyList<RagContextChunk> Search(RagQuery query) =>
        SearchAsync(query, null, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// The best chunks for a question, best first. When the question is not embedded yet, <paramref name="embedQuestion"/>
    /// makes its vector while the keyword half of a hybrid search, which needs only the words, runs on another thread.
    /// </summary>
    public async Task<IReadOnlyList<RagContextChunk>> SearchAsync(
        RagQuery query, Func<CancellationToken, Task<float[]>>? embedQuestion, CancellationToken cancellationToken)
    {
        Validate(query);
        if (query.Mode != RetrievalMode.Keyword && query.Vector is null && embedQuestion is null)
        {
            throw new ArgumentException($"{query.Mode} search needs the query's embedding.", nameof(query));
        }

        if (query.Top < 1)
        {
            return [];
        }

        var depth = Math.Max(query.Top, query.Depth);
        // One chunk per source needs more candidates: several of the best chunks often share a source.
        var wanted = query.UniqueSources ? Math.Max(depth, query.Top * 5) : query.Top;
        depth = query.UniqueSources ? Math.Max(depth, wanted) : depth;
        var keywordHalf = query.Mode == RetrievalMode.Hybrid
            ? Task.Run(() => Store.KeywordAsync(query.Text, depth, query.SourceFilter, cancellationToken), cancellationToken)
            : null;
        List<FusedHit> hits;
        try
        {
            hits = query.Mode switch
            {
                RetrievalMode.Keyword => (await Store.KeywordAsync(query.Text, wanted, query.SourceFilter, cancellationToken).ConfigureAwait(false))
                    .Select((h, i) => new FusedHit(h.Id, h.Score, null, null, i + 1, h.Score)).ToList(),
                RetrievalMode.Vector => (await Store.NearestAsync(await VectorOf(query, embedQuestion, cancellationToken).ConfigureAwait(false), wanted, query.SourceFilter, cancellationToken).ConfigureAwait(false))
                    .Select((h, i) => new FusedHit(h.Id, h.Score, i + 1, h.Score, null, null)).ToList(),
                _ => RankFusion.Fuse(
                    await Store.NearestAsync(await VectorOf(query, embedQuestion, cancellationToken).ConfigureAwait(false), depth, query.SourceFilter, cancellationToken).ConfigureAwait(false),
                    await keywordHalf!.ConfigureAwait(false),
                    query.FusionK),
            };
        }
        catch when (keywordHalf is not null)
        {
            // The keyword half may hold the store's connection: it must be done before the reader is used again or closed.
            await ((Task)keywordHalf).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        if (query.MinScore is { } min)
        {
            hits = hits.Where(h => h.Score >= min).ToList();
        }

        if (!query.UniqueSources)
        {
            return await MaterialiseAsync(hits.Take(query.Top).ToList(), query, cancellationToken).ConfigureAwait(false);
        }

        var unique = (await MaterialiseAsync(hits, query, cancellationToken).ConfigureAwait(false))
            .DistinctBy(c => c.Source, StringComparer.Ordinal).Take(query.Top).ToList();
        return unique.Select((c, i) => c.WithRank(i + 1)).ToList();
    }

    /// <summary>Every document in the index, by source.</summary>
    public Task<IReadOnlyList<StoredDocument>> DocumentsAsync(CancellationToken cancellationToken) => Store.DocumentsAsync(cancellationToken);

    /// <summary>A document's chunks in order (Rank is the position from 1, Score 0); empty when the source is not in the index.</summary>
    public async Task<IReadOnlyList<RagContextChunk>> DocumentChunksAsync(string source, CancellationToken cancellationToken)
    {
        var chunks = await Store.DocumentChunksAsync(source, cancellationToken).ConfigureAwait(false);
        return chunks.Select((c, i) => Result(c, new FusedHit(c.Id, 0, null, null, null, null), i + 1, RetrievalMode.Vector, "")).ToList();
    }

    private async Task<float[]> VectorOf(RagQuery query, Func<CancellationToken, Task<float[]>>? embedQuestion, CancellationToken cancellationToken)
    {
        var vector = query.Vector ?? await embedQuestion!(cancellationToken).ConfigureAwait(false);
        ValidateVector(vector);
        return vector;
    }

    private void Validate(RagQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Mode != RetrievalMode.Vector && !Settings.HasKeywordIndex)
        {
            throw new RagIndexException(RagIndexErrorKind.SettingsMismatch, Location.Display,
                $"The index '{Location.Display}' has no keyword index (it was built before hybrid retrieval), so a {query.Mode} search cannot run. Run New-RagIndex on it once to add it, or use -Mode Vector.");
        }

        if (query.Vector is { } vector)
        {
            ValidateVector(vector);
        }
    }

    private void ValidateVector(float[] vector)
    {
        if (vector.Length != Settings.Dimensions)
        {
            throw new RagIndexException(RagIndexErrorKind.ModelMismatch, Location.Display,
                $"The query vector has {vector.Length} dimensions but the index '{Location.Display}' holds {Settings.Dimensions} ({Settings.EmbeddingModel}); embed the query with the index's model.");
        }
    }

    private async Task<List<RagContextChunk>> MaterialiseAsync(List<FusedHit> hits, RagQuery query, CancellationToken cancellationToken)
    {
        var chunks = await Store.ChunksAsync(hits.Select(h => h.Id).ToList(), cancellationToken).ConfigureAwait(false);
        var results = new List<RagContextChunk>(hits.Count);
        foreach (var hit in hits)
        {
            // A chunk removed since the store's candidates were taken is skipped; ids are never reused.
            if (chunks.TryGetValue(hit.Id, out var chunk) && (query.SourceFilter is null || query.SourceFilter(chunk.Source)))
            {
                var result = Result(chunk, hit, results.Count + 1, query.Mode, query.Text);
                results.Add(query.Explain ? result.WithExplanation(RankFusion.Explain(hit, query.Mode, query.FusionK)) : result);
            }
        }

        return results;
    }

    private RagContextChunk Result(StoredChunk chunk, FusedHit hit, int rank, RetrievalMode mode, string query) => new()
    {
        Rank = rank,
        Score = hit.Score,
        Mode = mode,
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
        Heading = chunk.Heading,
        ChunkId = chunk.Id,
        Query = query,
        IndexPath = Location.Display,
    };

    public void Dispose() => Store.Dispose();
}
