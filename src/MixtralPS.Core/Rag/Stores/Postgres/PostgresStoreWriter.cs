using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using MixtralPS.Core.Rag.Text;
using Pgvector;

namespace MixtralPS.Core.Rag.Stores.Postgres;

/// <summary>
/// A write session on a database index. Each batch of documents is one transaction: the documents' old rows go, the
/// new ones come in by binary COPY, and the BM25 statistics move with them, so a killed writer leaves every document
/// wholly old or wholly new. Two writers on one index take turns per document (transaction-scoped advisory locks on
/// the source), so neither loses nor duplicates anything; no lock of our own outlives a transaction.
/// </summary>
internal sealed class PostgresStoreWriter : IRagStoreWriter
{
    private readonly NpgsqlDataSource dataSource;
    private readonly PostgresSchema schema;
    private readonly TextAnalyzer analyzer;
    private bool changed;

    private PostgresStoreWriter(PostgresIndexLocation location, NpgsqlDataSource dataSource, RagIndexSettings settings, bool created)
    {
        Location = location;
        this.dataSource = dataSource;
        schema = new PostgresSchema(location);
        Settings = settings;
        Created = created;
        analyzer = TextAnalyzer.For(settings.Stemming);
    }

    public PostgresIndexLocation Location { get; }

    RagIndexLocation IRagStoreWriter.Location => Location;

    public RagIndexSettings Settings { get; }

    public bool Created { get; }

    public string? Upgraded => null;

    public static async Task<PostgresStoreWriter> OpenAsync(
        PostgresIndexLocation location, RagIndexSettings settings, bool rebuild, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        await EnsureExtensionAsync(location, cancellationToken).ConfigureAwait(false);
        var dataSource = PostgresConnections.Create(location, forWriting: true);
        try
        {
            var (stored, created) = await PostgresConnections.Guard(location, () => PrepareSchemaAsync(dataSource, location, settings, rebuild, lockTimeout, cancellationToken), cancellationToken).ConfigureAwait(false);
            return new PostgresStoreWriter(location, dataSource, stored, created);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// pgvector must be there before a data source maps its type. CREATE EXTENSION needs a role that may create it
    /// (a superuser, or the database owner for trusted extensions); without one the error says what to run.
    /// </summary>
    private static async Task EnsureExtensionAsync(PostgresIndexLocation location, CancellationToken cancellationToken)
    {
        await using var plain = PostgresConnections.CreatePlain(location, forWriting: true);
        await PostgresConnections.Guard(location, async () =>
        {
            await using var connection = await plain.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await RefuseStandbyAsync(connection, location, cancellationToken).ConfigureAwait(false);
            await using var probe = new NpgsqlCommand("SELECT count(*) FROM pg_extension WHERE extname = 'vector'", connection);
            if ((long)(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0)
            {
                return;
            }

            try
            {
                await using var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS vector", connection);
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState is "42501" or "58P01" or "0A000" or "42704")
            {
                throw new RagIndexException(RagIndexErrorKind.MissingExtension, location.Display,
                    $"The database of {location.Display} lacks the pgvector extension and this role cannot add it ({ex.MessageText}). "
                    + "Install pgvector on the server (https://github.com/pgvector/pgvector) and run CREATE EXTENSION vector; as a superuser in that database.", ex);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A standby would refuse the first write with 25006 after the work of reading the input; say so before.</summary>
    private static async Task RefuseStandbyAsync(NpgsqlConnection connection, PostgresIndexLocation location, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
        if ((bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            throw new RagIndexException(RagIndexErrorKind.ReadOnly, location.Display,
                $"{location.Display} is on a read-only server (a hot standby): writes go to the primary. Use the primary's host in -ConnectionString for New-RagIndex; standbys serve Find-RagContext.");
        }
    }

    private static async Task<(RagIndexSettings Settings, bool Created)> PrepareSchemaAsync(
        NpgsqlDataSource dataSource, PostgresIndexLocation location, RagIndexSettings settings, bool rebuild, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        var schema = new PostgresSchema(location);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await SetLockTimeoutAsync(connection, tx, lockTimeout, cancellationToken).ConfigureAwait(false);
        await using (var gate = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, tx))
        {
            // Two writers creating or rebuilding the same index at once: the second waits, then finds it made.
            gate.Parameters.AddWithValue(schema.LockKey);
            await gate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (rebuild)
        {
            await ExecuteAsync(connection, tx, $"DROP SCHEMA IF EXISTS {schema.Schema} CASCADE", cancellationToken).ConfigureAwait(false);
        }

        if (await schema.ExistsAsync(connection, tx, cancellationToken).ConfigureAwait(false))
        {
            var existing = schema.Settings(await schema.ReadMetaAsync(connection, tx, cancellationToken).ConfigureAwait(false), location);
            settings.EnsureCompatible(existing, location.Display, location.Display);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return (existing, false);
        }

        var fresh = settings with { SchemaVersion = RagIndexSettings.CurrentSchemaVersion, Created = DateTimeOffset.UtcNow };
        await ExecuteAsync(connection, tx, schema.CreateSql(fresh.Dimensions), cancellationToken).ConfigureAwait(false);
        await schema.WriteMetaAsync(connection, tx, fresh.ToMeta().Concat(
        [
            new("store_schema_version", PostgresSchema.CurrentVersion.ToString(CultureInfo.InvariantCulture)),
            new("analyzer", TextAnalyzer.Version),
        ]), cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (fresh, true);
    }

    public Task<StoredDocument?> FindAsync(string source, CancellationToken cancellationToken) =>
        PostgresConnections.Guard(Location, async () =>
        {
            await using var command = dataSource.CreateCommand($"SELECT id, source, content_hash, chunk_count FROM {schema.Documents} WHERE source = $1");
            command.Parameters.AddWithValue(source);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new StoredDocument(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3))
                : null;
        }, cancellationToken);

    public Task<IReadOnlyList<StoredDocument>> DocumentsAsync(CancellationToken cancellationToken) =>
        PostgresStoreReader.ReadDocumentsAsync(dataSource, schema, Location, cancellationToken);

    public Task<IReadOnlyDictionary<string, StoredEmbedding>> EmbeddingsAsync(IReadOnlyCollection<string> chunkHashes, CancellationToken cancellationToken) =>
        chunkHashes.Count == 0
            ? Task.FromResult<IReadOnlyDictionary<string, StoredEmbedding>>(new Dictionary<string, StoredEmbedding>())
            : PostgresConnections.Guard(Location, async () =>
            {
                await using var command = dataSource.CreateCommand(
                    $"SELECT DISTINCT ON (chunk_hash) chunk_hash, embedding, token_count FROM {schema.Chunks} WHERE chunk_hash = ANY($1)");
                command.Parameters.AddWithValue(chunkHashes.ToArray());
                var found = new Dictionary<string, StoredEmbedding>(StringComparer.Ordinal);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    found[reader.GetString(0)] = new StoredEmbedding(reader.GetFieldValue<Vector>(1).ToArray(), reader.GetInt32(2));
                }

                return (IReadOnlyDictionary<string, StoredEmbedding>)found;
            }, cancellationToken);

    public Task WriteAsync(IReadOnlyList<DocumentWrite> batch, CancellationToken cancellationToken) =>
        batch.Count == 0 ? Task.CompletedTask : PostgresConnections.Guard(Location, () => WriteBatchAsync(batch, cancellationToken), cancellationToken);

    private async Task WriteBatchAsync(IReadOnlyList<DocumentWrite> batch, CancellationToken cancellationToken)
    {
        // The last version of a source given twice in one batch wins; sources sorted so two writers lock in one order.
        var documents = batch.GroupBy(d => d.Document.Source, StringComparer.Ordinal).Select(g => g.Last())
            .OrderBy(d => d.Document.Source, StringComparer.Ordinal).ToList();
        foreach (var (document, chunks) in documents)
        {
            foreach (var chunk in chunks)
            {
                if (chunk.Embedding.Length != Settings.Dimensions)
                {
                    throw new ArgumentException($"A chunk of '{document.Source}' has {chunk.Embedding.Length} dimensions; the index holds {Settings.Dimensions}.");
                }
            }
        }

        var sources = documents.Select(d => d.Document.Source).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockSourcesAsync(connection, tx, sources, cancellationToken).ConfigureAwait(false);
        var (removedChunks, removedTerms) = await RemoveSourcesAsync(connection, tx, sources, cancellationToken).ConfigureAwait(false);
        var documentIds = await InsertDocumentsAsync(connection, tx, documents, cancellationToken).ConfigureAwait(false);
        var chunkCount = documents.Sum(d => d.Chunks.Count);
        var chunkIds = await AllocateChunkIdsAsync(connection, tx, chunkCount, cancellationToken).ConfigureAwait(false);
        var analysed = documents.SelectMany(d => d.Chunks).Select(c => analyzer.Terms(c.KeywordText)).ToList();
        await CopyChunksAsync(connection, documents, documentIds, chunkIds, analysed, cancellationToken).ConfigureAwait(false);
        await CopyPostingsAsync(connection, chunkIds, analysed, cancellationToken).ConfigureAwait(false);
        await UpdateStatsAsync(connection, tx, chunkCount - removedChunks, analysed.Sum(a => (long)a.Count) - removedTerms, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        changed = true;
    }

    public Task RemoveAsync(StoredDocument document, CancellationToken cancellationToken) =>
        PostgresConnections.Guard(Location, async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            string[] sources = [document.Source];
            await LockSourcesAsync(connection, tx, sources, cancellationToken).ConfigureAwait(false);
            var (chunks, terms) = await RemoveSourcesAsync(connection, tx, sources, cancellationToken).ConfigureAwait(false);
            await UpdateStatsAsync(connection, tx, -chunks, -terms, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            changed = true;
        }, cancellationToken);

    public Task<long> ChunkCountAsync(CancellationToken cancellationToken) =>
        PostgresConnections.Guard(Location, async () =>
        {
            await using var command = dataSource.CreateCommand($"SELECT chunks FROM {schema.Stats}");
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }, cancellationToken);

    /// <summary>
    /// Builds the HNSW index once the first load is in (much faster than growing it row by row; later writes keep it
    /// up to date themselves), and refreshes the planner's statistics after changes.
    /// </summary>
    public Task CompleteAsync(CancellationToken cancellationToken) =>
        !changed && !Created ? Task.CompletedTask : PostgresConnections.Guard(Location, async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, null, PostgresSchema.RaiseMaintenanceWorkMemSql, cancellationToken).ConfigureAwait(false);
            // No command timeout: the build grows with the index (minutes at 100,000 chunks), where the connection string's
            // Command Timeout (30 s by default) is meant for queries; Ctrl+C still cancels it through the token.
            // Two writers finishing at once would both create the index (IF NOT EXISTS checks before either commits, and
            // the second fails on the catalog's unique name): the index's advisory lock makes the second find it made.
            await using (var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
            {
                await using (var gate = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, tx))
                {
                    gate.Parameters.AddWithValue(schema.LockKey);
                    gate.CommandTimeout = 0;
                    await gate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await ExecuteAsync(connection, tx, schema.CreateVectorIndexSql, cancellationToken, timeoutSeconds: 0).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            await ExecuteAsync(connection, null, $"ANALYZE {schema.Documents}, {schema.Chunks}, {schema.Postings}", cancellationToken, timeoutSeconds: 0).ConfigureAwait(false);
        }, cancellationToken);

    private async Task LockSourcesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string[] sources, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT pg_advisory_xact_lock(hashtext($1), hashtext(s)) FROM unnest($2::text[]) WITH ORDINALITY AS t(s, n) ORDER BY n", connection, tx);
        command.Parameters.AddWithValue(schema.LockKey);
        command.Parameters.AddWithValue(sources);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the sources' documents (their chunks and postings go with them) and says how much was removed.</summary>
    private async Task<(long Chunks, long Terms)> RemoveSourcesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string[] sources, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            WITH gone AS (DELETE FROM {schema.Documents} WHERE source = ANY($1) RETURNING id)
            SELECT count(c.id), coalesce(sum(c.term_count), 0)::bigint FROM {schema.Chunks} c JOIN gone g ON g.id = c.document_id
            """, connection, tx);
        command.Parameters.AddWithValue(sources);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private async Task<long[]> InsertDocumentsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, List<DocumentWrite> documents, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {schema.Documents}(source, content_hash, size, modified, format, encoding, chunk_count)
            SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[], $5::text[], $6::text[], $7::integer[])
            RETURNING source, id
            """, connection, tx);
        command.Parameters.AddWithValue(documents.Select(d => d.Document.Source).ToArray());
        command.Parameters.AddWithValue(documents.Select(d => d.Document.ContentHash).ToArray());
        command.Parameters.AddWithValue(documents.Select(d => d.Document.Size).ToArray());
        command.Parameters.AddWithValue(documents.Select(d => (DateTime?)d.Document.Modified?.UtcDateTime).ToArray());
        command.Parameters.AddWithValue(documents.Select(d => d.Document.Format).ToArray());
        command.Parameters.AddWithValue(documents.Select(d => d.Document.Encoding).ToArray());
        command.Parameters.AddWithValue(documents.Select(d => d.Chunks.Count).ToArray());
        var ids = new Dictionary<string, long>(documents.Count, StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        return documents.Select(d => ids[d.Document.Source]).ToArray();
    }

    private async Task<long[]> AllocateChunkIdsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, int count, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT nextval('{schema.ChunkIds.Replace("'", "''", StringComparison.Ordinal)}') FROM generate_series(1, $1)", connection, tx);
        command.Parameters.AddWithValue(count);
        var ids = new long[count];
        var i = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids[i++] = reader.GetInt64(0);
        }

        return ids;
    }

    private async Task CopyChunksAsync(
        NpgsqlConnection connection, List<DocumentWrite> documents, long[] documentIds, long[] chunkIds, List<IReadOnlyList<string>> terms, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {schema.Chunks}(id, document_id, ordinal, start, length, token_count, page, heading, chunk_hash, term_count, text, embedding) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        var next = 0;
        for (var d = 0; d < documents.Count; d++)
        {
            foreach (var chunk in documents[d].Chunks)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(chunkIds[next], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(documentIds[d], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(chunk.Ordinal, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(chunk.Start, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(chunk.Length, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(chunk.TokenCount, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                if (chunk.Page is { } page)
                {
                    await importer.WriteAsync(page, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                if (chunk.Heading is { } heading)
                {
                    await importer.WriteAsync(heading, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }

                await importer.WriteAsync(chunk.Hash ?? ChunkIdentity.Of(Settings.EmbeddingModel, chunk.Heading, chunk.Text), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(terms[next].Count, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(chunk.Text, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(new Vector(chunk.Embedding), "vector", cancellationToken).ConfigureAwait(false);
                next++;
            }
        }

        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CopyPostingsAsync(NpgsqlConnection connection, long[] chunkIds, List<IReadOnlyList<string>> terms, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {schema.Postings}(term, chunk_id, tf, chunk_terms) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < chunkIds.Length; i++)
        {
            counts.Clear();
            foreach (var term in terms[i])
            {
                counts[term] = counts.GetValueOrDefault(term) + 1;
            }

            foreach (var (term, tf) in counts)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(term, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(chunkIds[i], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(tf, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(terms[i].Count, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            }
        }

        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task UpdateStatsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long chunks, long terms, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"UPDATE {schema.Stats} SET chunks = chunks + $1, terms = terms + $2", connection, tx);
        command.Parameters.AddWithValue(chunks);
        command.Parameters.AddWithValue(terms);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waiting for another writer's lock is bounded like the folder store's lock (-TimeoutSec), not endless.</summary>
    private static Task SetLockTimeoutAsync(NpgsqlConnection connection, NpgsqlTransaction tx, TimeSpan timeout, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, tx, $"SET LOCAL lock_timeout = {Math.Max(1, (long)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}", cancellationToken);

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken cancellationToken, int? timeoutSeconds = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        if (timeoutSeconds is { } seconds)
        {
            command.CommandTimeout = seconds;
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => dataSource.Dispose();
}
