using System.Globalization;
using Npgsql;

namespace MixtralPS.Core.Rag.Stores.Postgres;

/// <summary>
/// The tables of one index, in a schema of its own (mixtralps_&lt;name&gt;): its own vector dimension, HNSW graph and
/// statistics, and DROP SCHEMA removes it whole. Every identifier is quoted; values are always parameters.
/// </summary>
internal sealed class PostgresSchema(PostgresIndexLocation location)
{
    /// <summary>1: documents, chunks with their vectors, heading and identity, BM25 postings of the module's analyzer, statistics.</summary>
    public const int CurrentVersion = 1;

    /// <summary>HNSW build parameters (pgvector's defaults, named so the docs and the index agree).</summary>
    public const int HnswM = 16;

    public const int HnswEfConstruction = 64;

    public string Schema { get; } = Quote(location.Schema);

    public string Meta => Schema + ".meta";

    public string Documents => Schema + ".documents";

    public string Chunks => Schema + ".chunks";

    public string ChunkIds => Schema + ".chunk_ids";

    public string Postings => Schema + ".postings";

    public string Stats => Schema + ".stats";

    /// <summary>The name of the HNSW index (unqualified, as pg_indexes shows it).</summary>
    public const string VectorIndexName = "chunks_embedding_hnsw";

    /// <summary>A key for advisory locks on this index: two writers creating or rebuilding it take turns.</summary>
    public string LockKey => "mixtralps:" + location.Schema;

    public string CreateSql(int dimensions) => $"""
        CREATE SCHEMA {Schema};
        CREATE TABLE {Meta}(key text PRIMARY KEY, value text NOT NULL);
        CREATE TABLE {Documents}(
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            source text NOT NULL UNIQUE,
            content_hash text NOT NULL,
            size bigint NOT NULL,
            modified timestamptz,
            format text NOT NULL,
            encoding text,
            chunk_count integer NOT NULL,
            indexed_at timestamptz NOT NULL DEFAULT now());
        -- Chunk ids come from a sequence, never reused, allocated before the batch's COPY so postings can name them.
        CREATE SEQUENCE {ChunkIds};
        CREATE TABLE {Chunks}(
            id bigint PRIMARY KEY,
            document_id bigint NOT NULL REFERENCES {Documents}(id) ON DELETE CASCADE,
            ordinal integer NOT NULL,
            start integer NOT NULL,
            length integer NOT NULL,
            token_count integer NOT NULL,
            page integer,
            heading text,
            chunk_hash text NOT NULL,
            term_count integer NOT NULL,
            text text NOT NULL,
            embedding vector({dimensions.ToString(CultureInfo.InvariantCulture)}) NOT NULL);
        CREATE INDEX chunks_document ON {Chunks}(document_id);
        CREATE INDEX chunks_hash ON {Chunks}(chunk_hash);
        -- BM25 reads a term's postings with their tf and chunk length from the index alone (an index-only scan).
        CREATE TABLE {Postings}(
            term text NOT NULL,
            chunk_id bigint NOT NULL REFERENCES {Chunks}(id) ON DELETE CASCADE,
            tf integer NOT NULL,
            chunk_terms integer NOT NULL,
            PRIMARY KEY (term, chunk_id) INCLUDE (tf, chunk_terms));
        CREATE INDEX postings_chunk ON {Postings}(chunk_id);
        -- N and the total length for BM25, kept in the writers' transactions (one row: writers take turns on it at commit).
        CREATE TABLE {Stats}(one boolean PRIMARY KEY DEFAULT true CHECK (one), chunks bigint NOT NULL, terms bigint NOT NULL);
        INSERT INTO {Stats}(chunks, terms) VALUES (0, 0);
        """;

    public string CreateVectorIndexSql => $"""
        CREATE INDEX IF NOT EXISTS {VectorIndexName} ON {Chunks} USING hnsw (embedding vector_cosine_ops)
        WITH (m = {HnswM}, ef_construction = {HnswEfConstruction})
        """;

    /// <summary>
    /// At least 512 MB for the HNSW build, but never less than the server or role gives: a million chunks of 384
    /// dimensions need several GB for the graph to be built in memory, and a plain SET would undo a DBA's larger setting.
    /// </summary>
    public const string RaiseMaintenanceWorkMemSql =
        "SELECT set_config('maintenance_work_mem', '512MB', false) WHERE pg_size_bytes(current_setting('maintenance_work_mem')) < pg_size_bytes('512MB')";

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Whether the index's tables exist.</summary>
    public async Task<bool> ExistsAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection, tx);
        command.Parameters.AddWithValue(Meta);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<Dictionary<string, string>> ReadMetaAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, CancellationToken cancellationToken)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand($"SELECT key, value FROM {Meta}", connection, tx);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            meta[reader.GetString(0)] = reader.GetString(1);
        }

        return meta;
    }

    public async Task WriteMetaAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IEnumerable<KeyValuePair<string, string>> values, CancellationToken cancellationToken)
    {
        foreach (var (key, value) in values)
        {
            await using var command = new NpgsqlCommand(
                $"INSERT INTO {Meta}(key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", connection, tx);
            command.Parameters.AddWithValue(key);
            command.Parameters.AddWithValue(value);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The index's settings from its meta table, checked to be ours and not newer than this module.</summary>
    public RagIndexSettings Settings(Dictionary<string, string> meta, PostgresIndexLocation location)
    {
        if (!meta.TryGetValue("format", out var format) || format != RagIndexSettings.FormatName)
        {
            throw new RagIndexException(RagIndexErrorKind.Foreign, location.Display,
                $"The schema {location.Schema} of {location.Display} is not a MixtralPS index (format '{format ?? "none"}'); choose another -Name.");
        }

        if (meta.TryGetValue("store_schema_version", out var version) && int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > CurrentVersion)
        {
            throw new RagIndexException(RagIndexErrorKind.NewerVersion, location.Display,
                $"{location.Display} was written by a newer MixtralPS (store schema {v}; this one reads up to {CurrentVersion}). Update the module.");
        }

        return RagIndexSettings.FromMeta(meta, location.Display);
    }
}
