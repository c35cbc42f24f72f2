using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using MixtralPS.Core.Rag.Text;
using MixtralPS.Core.Storage;

namespace MixtralPS.Core.Rag.Stores.Folder;

/// <summary>
/// The SQLite database of an index: the source of truth for documents, chunks, embeddings and settings.
/// WAL journaling gives readers a consistent snapshot while a writer works; each document is replaced in
/// one transaction, so a crash leaves either its old or its new version.
/// </summary>
internal sealed class RagDatabase : IDisposable
{
    internal const string Schema = """
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE documents(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            source TEXT NOT NULL UNIQUE,
            content_hash TEXT NOT NULL,
            size INTEGER NOT NULL,
            modified TEXT,
            format TEXT NOT NULL,
            encoding TEXT,
            chunk_count INTEGER NOT NULL,
            indexed_at TEXT NOT NULL);
        -- AUTOINCREMENT: a chunk id is never reused, so a graph from an older generation never points at a different chunk.
        CREATE TABLE chunks(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            start INTEGER NOT NULL,
            length INTEGER NOT NULL,
            token_count INTEGER NOT NULL,
            text TEXT NOT NULL,
            embedding BLOB NOT NULL);
        CREATE INDEX chunks_document ON chunks(document_id);
        """;

    // Schema 3: the page a chunk comes from (from 1), null for documents without pages. Added, not in the table's
    // definition, so that a new index and a migrated one have the very same table.
    internal const string AddPageColumnSql = "ALTER TABLE chunks ADD COLUMN page INTEGER;";

    private RagDatabase(SqliteConnection connection, string path, RagIndexSettings settings)
    {
        Connection = connection;
        Path = path;
        Settings = settings;
    }

    public SqliteConnection Connection { get; }

    public string Path { get; }

    public RagIndexSettings Settings { get; internal set; }

    public static RagDatabase Create(string path, RagIndexSettings settings)
    {
        var connection = OpenConnection(path, SqliteOpenMode.ReadWriteCreate);
        try
        {
            Execute(connection, "PRAGMA journal_mode=WAL;");
            using var tx = connection.BeginTransaction();
            FolderSchema.Create(connection, tx, settings);
            foreach (var (key, value) in settings.ToMeta().Append(new("generation", "0")))
            {
                SetMeta(connection, tx, key, value);
            }

            tx.Commit();
            return new RagDatabase(connection, path, settings);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public static RagDatabase Open(string path, bool readOnly)
    {
        if (!File.Exists(path))
        {
            throw new RagIndexException(RagIndexErrorKind.NotFound, path, $"There is no index at '{System.IO.Path.GetDirectoryName(path)}' ('{path}' does not exist). Create it with New-RagIndex.");
        }

        SqliteConnection? connection = null;
        try
        {
            connection = OpenConnection(path, readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite);
            var meta = ReadMeta(connection, path);
            if (!meta.TryGetValue("format", out var format) || format != RagIndexSettings.FormatName)
            {
                throw new RagIndexException(RagIndexErrorKind.Foreign, path, $"'{path}' is an SQLite database but not a MixtralPS index (format '{format ?? "none"}').");
            }

            var settings = RagIndexSettings.FromMeta(meta, path);
            if (settings.SchemaVersion > RagIndexSettings.CurrentSchemaVersion)
            {
                throw new RagIndexException(RagIndexErrorKind.NewerVersion, path, $"'{path}' was written by a newer MixtralPS (index schema {settings.SchemaVersion}; this one reads up to {RagIndexSettings.CurrentSchemaVersion}). Update the module.");
            }

            return new RagDatabase(connection, path, settings);
        }
        catch (SqliteException ex)
        {
            connection?.Dispose();
            throw new RagIndexException(RagIndexErrorKind.Damaged, path, $"'{path}' cannot be read as an index: {ex.Message.TrimEnd('.')}. If it is damaged, rebuild it with New-RagIndex -Force.", ex);
        }
        catch
        {
            connection?.Dispose();
            throw;
        }
    }

    // Pooling off: the file is closed when the index is, so folders can be moved or deleted right after.
    // A query reads the keyword index's posting lists and the rows it ranks: with SQLite's default 2 MB page cache
    // and read() per page, a warm query on 100,000 chunks spent more time fetching pages than ranking them.
    private static SqliteConnection OpenConnection(string path, SqliteOpenMode mode) => SqliteFiles.Open(path, mode, pooled: false, timeoutSeconds: 30,
        "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824;");

    private static Dictionary<string, string> ReadMeta(SqliteConnection connection, string path)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'";
        if (Convert.ToInt64(probe.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            throw new RagIndexException(RagIndexErrorKind.Foreign, path, $"'{path}' is an SQLite database but not a MixtralPS index (it has no meta table).");
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, value FROM meta";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            meta[reader.GetString(0)] = reader.GetString(1);
        }

        return meta;
    }

    public long Generation(SqliteTransaction? tx = null)
    {
        using var command = Connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT value FROM meta WHERE key='generation'";
        return long.Parse((string)command.ExecuteScalar()!, CultureInfo.InvariantCulture);
    }

    /// <summary>Marks a committed change: readers compare generations to know whether a graph file is current.</summary>
    public long BumpGeneration(SqliteTransaction tx)
    {
        var next = Generation(tx) + 1;
        SetMeta(Connection, tx, "generation", next.ToString(CultureInfo.InvariantCulture));
        return next;
    }

    public StoredDocument? FindDocument(string source, SqliteTransaction? tx = null)
    {
        using var command = Connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT id, source, content_hash, chunk_count FROM documents WHERE source = $source";
        command.Parameters.AddWithValue("$source", source);
        using var reader = command.ExecuteReader();
        return reader.Read() ? new StoredDocument(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3)) : null;
    }

    public List<StoredDocument> Documents()
    {
        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT id, source, content_hash, chunk_count FROM documents ORDER BY source";
        using var reader = command.ExecuteReader();
        var documents = new List<StoredDocument>();
        while (reader.Read())
        {
            documents.Add(new StoredDocument(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3)));
        }

        return documents;
    }

    /// <summary>Chunk ids of a document (to remove them from the graph).</summary>
    public List<long> ChunkIds(long documentId, SqliteTransaction? tx = null)
    {
        using var command = Connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT id FROM chunks WHERE document_id = $id";
        command.Parameters.AddWithValue("$id", documentId);
        using var reader = command.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    /// <summary>Inserts a document and its chunks, replacing any earlier version, in the caller's transaction.</summary>
    public List<long> ReplaceDocument(SqliteTransaction tx, DocumentRecord document, IReadOnlyList<ChunkRecord> chunks)
    {
        using (var delete = Connection.CreateCommand())
        {
            delete.Transaction = tx;
            delete.CommandText = "DELETE FROM documents WHERE source = $source";
            delete.Parameters.AddWithValue("$source", document.Source);
            delete.ExecuteNonQuery();
        }

        long documentId;
        using (var insert = Connection.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = """
                INSERT INTO documents(source, content_hash, size, modified, format, encoding, chunk_count, indexed_at)
                VALUES ($source, $hash, $size, $modified, $format, $encoding, $count, $now) RETURNING id
                """;
            insert.Parameters.AddWithValue("$source", document.Source);
            insert.Parameters.AddWithValue("$hash", document.ContentHash);
            insert.Parameters.AddWithValue("$size", document.Size);
            insert.Parameters.AddWithValue("$modified", (object?)document.Modified?.ToString("o", CultureInfo.InvariantCulture) ?? DBNull.Value);
            insert.Parameters.AddWithValue("$format", document.Format);
            insert.Parameters.AddWithValue("$encoding", (object?)document.Encoding ?? DBNull.Value);
            insert.Parameters.AddWithValue("$count", chunks.Count);
            insert.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture));
            documentId = (long)insert.ExecuteScalar()!;
        }

        var ids = new List<long>(chunks.Count);
        using var chunkInsert = Connection.CreateCommand();
        chunkInsert.Transaction = tx;
        var pages = Settings.HasPages;
        var analysed = Settings.HasAnalyzedTerms;
        var columns = "document_id, ordinal, start, length, token_count, text, embedding" + (pages ? ", page" : "") + (analysed ? ", heading, chunk_hash, terms" : "");
        var values = "$doc, $ordinal, $start, $length, $tokens, $text, $embedding" + (pages ? ", $page" : "") + (analysed ? ", $heading, $hash, $terms" : "");
        chunkInsert.CommandText = $"INSERT INTO chunks({columns}) VALUES ({values}) RETURNING id";
        var pDoc = chunkInsert.Parameters.Add("$doc", SqliteType.Integer);
        var pOrdinal = chunkInsert.Parameters.Add("$ordinal", SqliteType.Integer);
        var pStart = chunkInsert.Parameters.Add("$start", SqliteType.Integer);
        var pLength = chunkInsert.Parameters.Add("$length", SqliteType.Integer);
        var pTokens = chunkInsert.Parameters.Add("$tokens", SqliteType.Integer);
        var pText = chunkInsert.Parameters.Add("$text", SqliteType.Text);
        var pEmbedding = chunkInsert.Parameters.Add("$embedding", SqliteType.Blob);
        var pPage = pages ? chunkInsert.Parameters.Add("$page", SqliteType.Integer) : null;
        var pHeading = analysed ? chunkInsert.Parameters.Add("$heading", SqliteType.Text) : null;
        var pHash = analysed ? chunkInsert.Parameters.Add("$hash", SqliteType.Text) : null;
        var pTerms = analysed ? chunkInsert.Parameters.Add("$terms", SqliteType.Text) : null;
        var analyzer = TextAnalyzer.For(Settings.Stemming);
        chunkInsert.Prepare();
        foreach (var chunk in chunks)
        {
            if (chunk.Embedding.Length != Settings.Dimensions)
            {
                throw new ArgumentException($"A chunk of '{document.Source}' has {chunk.Embedding.Length} dimensions; the index holds {Settings.Dimensions}.");
            }

            pDoc.Value = documentId;
            pOrdinal.Value = chunk.Ordinal;
            pStart.Value = chunk.Start;
            pLength.Value = chunk.Length;
            pTokens.Value = chunk.TokenCount;
            pText.Value = chunk.Text;
            pEmbedding.Value = VectorBytes(chunk.Embedding);
            if (pPage is not null)
            {
                pPage.Value = (object?)chunk.Page ?? DBNull.Value;
            }

            if (analysed)
            {
                pHeading!.Value = (object?)chunk.Heading ?? DBNull.Value;
                pHash!.Value = chunk.Hash ?? ChunkIdentity.Of(Settings.EmbeddingModel, chunk.Heading, chunk.Text);
                pTerms!.Value = string.Join(' ', analyzer.Terms(chunk.KeywordText));
            }

            ids.Add((long)chunkInsert.ExecuteScalar()!);
        }

        return ids;
    }

    public void RemoveDocument(SqliteTransaction tx, long documentId)
    {
        using var command = Connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "DELETE FROM documents WHERE id = $id";
        command.Parameters.AddWithValue("$id", documentId);
        command.ExecuteNonQuery();
    }

    public long ChunkCount()
    {
        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM chunks";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Every (chunk id, embedding), streamed: to rebuild the graph or search exactly.</summary>
    public IEnumerable<(long Id, float[] Vector)> Embeddings(string? where = null, Action<SqliteCommand>? bind = null)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = "SELECT c.id, c.embedding FROM chunks c" + (where is null ? "" : " JOIN documents d ON d.id = c.document_id WHERE " + where);
        bind?.Invoke(command);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return (reader.GetInt64(0), Vector((byte[])reader.GetValue(1)));
        }
    }

    /// <summary>The stored embeddings of the given chunks, by id.</summary>
    public Dictionary<long, float[]> EmbeddingsOf(IReadOnlyCollection<long> ids)
    {
        var found = new Dictionary<long, float[]>(ids.Count);
        if (ids.Count == 0)
        {
            return found;
        }

        using var command = Connection.CreateCommand();
        command.CommandText = $"SELECT id, embedding FROM chunks WHERE id IN ({string.Join(",", ids.Select(i => i.ToString(CultureInfo.InvariantCulture)))})";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            found[reader.GetInt64(0)] = Vector((byte[])reader.GetValue(1));
        }

        return found;
    }

    /// <summary>Chunks by id, with their document's source; Page is null where unknown (and in indexes before schema 3).</summary>
    public Dictionary<long, StoredChunk> Chunks(IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        return ReadChunks($"c.id IN ({string.Join(",", ids.Select(i => i.ToString(CultureInfo.InvariantCulture)))})", null).ToDictionary(c => c.Id);
    }

    /// <summary>A document's chunks in order.</summary>
    public List<StoredChunk> DocumentChunks(string source) =>
        ReadChunks("d.source = $source ORDER BY c.ordinal", c => c.Parameters.AddWithValue("$source", source));

    private List<StoredChunk> ReadChunks(string where, Action<SqliteCommand>? bind)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = $"""
            SELECT c.id, d.source, c.ordinal, c.start, c.length, c.text, c.token_count, {(Settings.HasPages ? "c.page" : "NULL")}, {(Settings.HasAnalyzedTerms ? "c.heading" : "NULL")}
            FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE {where}
            """;
        bind?.Invoke(command);
        using var reader = command.ExecuteReader();
        var found = new List<StoredChunk>();
        while (reader.Read())
        {
            found.Add(new StoredChunk(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetString(5), reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetInt32(7), reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return found;
    }

    /// <summary>Stored embeddings by chunk identity (schema 4), one per identity, to be used again instead of embedding.</summary>
    public Dictionary<string, StoredEmbedding> EmbeddingsByHash(IReadOnlyCollection<string> hashes)
    {
        var found = new Dictionary<string, StoredEmbedding>(StringComparer.Ordinal);
        if (hashes.Count == 0 || !Settings.HasAnalyzedTerms)
        {
            return found;
        }

        foreach (var batch in hashes.Chunk(500))
        {
            using var command = Connection.CreateCommand();
            command.CommandText = $"SELECT chunk_hash, embedding, token_count FROM chunks WHERE chunk_hash IN ({string.Join(",", batch.Select((_, i) => "$h" + i.ToString(CultureInfo.InvariantCulture)))})";
            for (var i = 0; i < batch.Length; i++)
            {
                command.Parameters.AddWithValue("$h" + i.ToString(CultureInfo.InvariantCulture), batch[i]);
            }

            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                found.TryAdd(reader.GetString(0), new StoredEmbedding(Vector((byte[])reader.GetValue(1)), reader.GetInt32(2)));
            }
        }

        return found;
    }

    public SqliteTransaction BeginWrite() => Connection.BeginTransaction(deferred: false);

    public SqliteTransaction BeginRead() => Connection.BeginTransaction(deferred: true);

    public static byte[] VectorBytes(float[] vector) => MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();

    public static float[] Vector(byte[] bytes) => MemoryMarshal.Cast<byte, float>(bytes).ToArray();

    internal static void SetMeta(SqliteConnection connection, SqliteTransaction tx, string key, string value)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "INSERT INTO meta(key, value) VALUES ($key, $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    }

    internal static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => Connection.Dispose();
}
