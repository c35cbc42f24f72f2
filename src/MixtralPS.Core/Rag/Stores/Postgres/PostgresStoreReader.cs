using System.Globalization;
using Npgsql;
using MixtralPS.Core.Rag.Text;
using Pgvector;

namespace MixtralPS.Core.Rag.Stores.Postgres;

/// <summary>
/// Reads a database index. Queries only read (so they run on hot standbys), each on a pooled connection of its own,
/// so the halves of a hybrid query run at once. Vectors: pgvector's HNSW index (exact scan until it is built).
/// Keywords: BM25 over the postings of the module's own analyzer, with FTS5's formula and parameters, so that a
/// folder index and a database index of the same documents rank keywords alike.
/// </summary>
internal sealed class PostgresStoreReader : IRagStoreReader
{
    /// <summary>HNSW candidates searched per query at least: as the folder store's graph (see FolderStoreReader).</summary>
    private const int MinEfSearch = 128;

    private const double K1 = 1.2;
    private const double B = 0.75;

    private readonly NpgsqlDataSource dataSource;
    private readonly PostgresSchema schema;
    private readonly TextAnalyzer analyzer;
    private readonly string created;
    private long lastFreshCheck = long.MinValue / 2;

    private PostgresStoreReader(PostgresIndexLocation location, NpgsqlDataSource dataSource, RagIndexSettings settings, string created, bool hasVectorIndex)
    {
        Location = location;
        this.dataSource = dataSource;
        schema = new PostgresSchema(location);
        Settings = settings;
        this.created = created;
        analyzer = TextAnalyzer.For(settings.Stemming);
        Degraded = hasVectorIndex ? null : "the index has no HNSW index yet (a first load is running or was stopped); vector search scans every chunk";
    }

    public PostgresIndexLocation Location { get; }

    RagIndexLocation IRagStoreReader.Location => Location;

    public RagIndexSettings Settings { get; }

    public string? Degraded { get; }

    public static async Task<PostgresStoreReader> OpenAsync(PostgresIndexLocation location, CancellationToken cancellationToken)
    {
        var dataSource = PostgresConnections.Create(location, forWriting: false);
        try
        {
            return await PostgresConnections.Guard(location, async () =>
            {
                var schema = new PostgresSchema(location);
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                var meta = await ReadMetaOrThrowAsync(connection, schema, location, cancellationToken).ConfigureAwait(false);
                var settings = schema.Settings(meta, location);
                await using var probe = new NpgsqlCommand("SELECT count(*) FROM pg_indexes WHERE schemaname = $1 AND indexname = $2", connection);
                probe.Parameters.AddWithValue(location.Schema);
                probe.Parameters.AddWithValue(PostgresSchema.VectorIndexName);
                var hasVectorIndex = (long)(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0;
                return new PostgresStoreReader(location, dataSource, settings, meta.GetValueOrDefault("created", ""), hasVectorIndex);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The settings of the index, or null when the database has no index of that name.</summary>
    public static async Task<RagIndexSettings?> ExistingSettingsAsync(PostgresIndexLocation location, CancellationToken cancellationToken)
    {
        await using var dataSource = PostgresConnections.CreatePlain(location, forWriting: false);
        return await PostgresConnections.Guard(location, async () =>
        {
            var schema = new PostgresSchema(location);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await schema.ExistsAsync(connection, null, cancellationToken).ConfigureAwait(false)
                ? schema.Settings(await schema.ReadMetaAsync(connection, null, cancellationToken).ConfigureAwait(false), location)
                : null;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Dictionary<string, string>> ReadMetaOrThrowAsync(
        NpgsqlConnection connection, PostgresSchema schema, PostgresIndexLocation location, CancellationToken cancellationToken)
    {
        if (!await schema.ExistsAsync(connection, null, cancellationToken).ConfigureAwait(false))
        {
            throw new RagIndexException(RagIndexErrorKind.NotFound, location.Display,
                $"There is no index '{location.Name}' in postgresql://{location.Hosts}/{location.Database}. Create it with New-RagIndex -ConnectionString ... -Name {location.Name}.");
        }

        return await schema.ReadMetaAsync(connection, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stale when the index was rebuilt (-Force) since this reader read its settings, or cannot be read. Asked at most
    /// once a second: the question costs a round trip, which at 100,000 chunks was a third of a warm vector query's
    /// time (bench/results/pgvector-2026-12-06.md); a rebuild is noticed a second later at most.
    /// </summary>
    public bool IsStale()
    {
        var now = Environment.TickCount64;
        if (now - lastFreshCheck < 1000)
        {
            return false;
        }

        try
        {
            using var command = dataSource.CreateCommand($"SELECT value FROM {schema.Meta} WHERE key = 'created'");
            var stale = command.ExecuteScalar() as string != created;
            lastFreshCheck = stale ? long.MinValue / 2 : now;
            return stale;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            return true;
        }
    }

    public Task<List<(long Id, float Score)>> NearestAsync(float[] vector, int count, Func<string, bool>? sourceFilter, CancellationToken cancellationToken) =>
        PostgresConnections.Guard(Location, async () =>
        {
            var documents = await AllowedDocumentsAsync(sourceFilter, cancellationToken).ConfigureAwait(false);
            if (documents is { Length: 0 })
            {
                return [];
            }

            await using var batch = dataSource.CreateBatch();
            // Settings local to the batch's implicit transaction: nothing leaks into the pooled connection.
            var settings = new NpgsqlBatchCommand("SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', $2, true)");
            settings.Parameters.AddWithValue(Math.Clamp(count, MinEfSearch, 1000).ToString(CultureInfo.InvariantCulture));
            // A filter runs after the graph search: the iterative scan goes on until enough rows pass it (pgvector 0.8).
            settings.Parameters.AddWithValue(documents is null ? "off" : "relaxed_order");
            batch.BatchCommands.Add(settings);
            var search = new NpgsqlBatchCommand($"""
                SELECT id, score FROM (
                    SELECT id, 1 - (embedding <=> $1) AS score FROM {schema.Chunks}
                    {(documents is null ? "" : "WHERE document_id = ANY($3)")}
                    ORDER BY embedding <=> $1 LIMIT $2) nearest
                ORDER BY score DESC, id
                """);
            search.Parameters.AddWithValue(new Vector(vector));
            search.Parameters.AddWithValue(count);
            if (documents is not null)
            {
                search.Parameters.AddWithValue(documents);
            }

            batch.BatchCommands.Add(search);
            return await ReadHitsAsync(batch, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task<List<(long Id, float Score)>> KeywordAsync(string question, int count, Func<string, bool>? sourceFilter, CancellationToken cancellationToken) =>
        PostgresConnections.Guard(Location, async () =>
        {
            var terms = analyzer.QueryTerms(question);
            if (terms.Count == 0)
            {
                return [];
            }

            var selected = KeywordBudget.Select(await DocumentFrequenciesAsync(terms, cancellationToken).ConfigureAwait(false), KeywordBudget.DefaultRowBudget);
            var documents = await AllowedDocumentsAsync(sourceFilter, cancellationToken).ConfigureAwait(false);
            if (selected.Count == 0 || documents is { Length: 0 })
            {
                return [];
            }

            // FTS5's bm25(): idf = ln((N - df + 0.5) / (df + 0.5)), at least 1e-6; k1 1.2, b 0.75.
            await using var command = dataSource.CreateCommand($"""
                WITH q AS (SELECT * FROM unnest($1::text[], $2::float8[]) AS q(term, df)),
                     s AS (SELECT chunks::float8 AS n, terms::float8 / greatest(chunks, 1) AS avgdl FROM {schema.Stats})
                SELECT p.chunk_id,
                       sum(greatest(ln((s.n - q.df + 0.5) / (q.df + 0.5)), 1e-6)
                           * p.tf * ({K1.ToString(CultureInfo.InvariantCulture)} + 1)
                           / (p.tf + {K1.ToString(CultureInfo.InvariantCulture)} * (1 - {B.ToString(CultureInfo.InvariantCulture)} + {B.ToString(CultureInfo.InvariantCulture)} * p.chunk_terms / s.avgdl))) AS score
                FROM {schema.Postings} p JOIN q USING (term) CROSS JOIN s
                {(documents is null ? "" : $"WHERE p.chunk_id IN (SELECT id FROM {schema.Chunks} WHERE document_id = ANY($4))")}
                GROUP BY p.chunk_id
                ORDER BY score DESC, p.chunk_id
                LIMIT $3
                """);
            command.Parameters.AddWithValue(selected.Select(s => s.Term).ToArray());
            command.Parameters.AddWithValue(selected.Select(s => (double)s.Rows).ToArray());
            command.Parameters.AddWithValue(count);
            if (documents is not null)
            {
                command.Parameters.AddWithValue(documents);
            }

            var hits = new List<(long, float)>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                hits.Add((reader.GetInt64(0), (float)reader.GetDouble(1)));
            }

            return hits;
        }, cancellationToken);

    /// <summary>Chunks (rows) each term occurs in, read from the postings index alone.</summary>
    private async Task<List<(string Term, long Rows)>> DocumentFrequenciesAsync(IReadOnlyList<string> terms, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT term, count(*) FROM {schema.Postings} WHERE term = ANY($1) GROUP BY term");
        command.Parameters.AddWithValue(terms.ToArray());
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                counts[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        // In the question's order, so ties are broken as in the folder store.
        return terms.Select(t => (t, counts.GetValueOrDefault(t))).ToList();
    }

    /// <summary>The ids of documents whose source passes the filter; null without a filter.</summary>
    private async Task<long[]?> AllowedDocumentsAsync(Func<string, bool>? sourceFilter, CancellationToken cancellationToken) =>
        sourceFilter is null
            ? null
            : (await ReadDocumentsAsync(dataSource, schema, Location, cancellationToken).ConfigureAwait(false)).Where(d => sourceFilter(d.Source)).Select(d => d.Id).ToArray();

    public Task<Dictionary<long, StoredChunk>> ChunksAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
        ids.Count == 0
            ? Task.FromResult(new Dictionary<long, StoredChunk>())
            : PostgresConnections.Guard(Location, async () =>
                (await ReadChunksAsync("c.id = ANY($1)", ids.ToArray(), cancellationToken).ConfigureAwait(false)).ToDictionary(c => c.Id), cancellationToken);

    public Task<IReadOnlyList<StoredDocument>> DocumentsAsync(CancellationToken cancellationToken) =>
        ReadDocumentsAsync(dataSource, schema, Location, cancellationToken);

    public Task<IReadOnlyList<StoredChunk>> DocumentChunksAsync(string source, CancellationToken cancellationToken) =>
        PostgresConnections.Guard(Location, async () =>
            (IReadOnlyList<StoredChunk>)await ReadChunksAsync("d.source = $1 ORDER BY c.ordinal", source, cancellationToken).ConfigureAwait(false), cancellationToken);

    internal static Task<IReadOnlyList<StoredDocument>> ReadDocumentsAsync(
        NpgsqlDataSource dataSource, PostgresSchema schema, PostgresIndexLocation location, CancellationToken cancellationToken) =>
        PostgresConnections.Guard(location, async () =>
        {
            await using var command = dataSource.CreateCommand($"SELECT id, source, content_hash, chunk_count FROM {schema.Documents} ORDER BY source COLLATE \"C\"");
            var documents = new List<StoredDocument>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                documents.Add(new StoredDocument(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3)));
            }

            return (IReadOnlyList<StoredDocument>)documents;
        }, cancellationToken);

    private async Task<List<StoredChunk>> ReadChunksAsync(string where, object parameter, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT c.id, d.source, c.ordinal, c.start, c.length, c.text, c.token_count, c.page, c.heading
            FROM {schema.Chunks} c JOIN {schema.Documents} d ON d.id = c.document_id
            WHERE {where}
            """);
        command.Parameters.AddWithValue(parameter);
        var chunks = new List<StoredChunk>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            chunks.Add(new StoredChunk(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4),
                reader.GetString(5), reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetInt32(7), reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return chunks;
    }

    private static async Task<List<(long Id, float Score)>> ReadHitsAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        var hits = new List<(long, float)>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            hits.Add((reader.GetInt64(0), (float)reader.GetDouble(1)));
        }

        return hits;
    }

    public void Dispose() => dataSource.Dispose();
}
