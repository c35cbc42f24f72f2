using System.Globalization;
using Microsoft.Data.Sqlite;
using MixtralPS.Core.Rag.Text;

namespace MixtralPS.Core.Rag.Stores.Folder;

/// <summary>
/// The folder index's tables, created at any schema version (tests make old ones) and brought up to the current one
/// by the next writer, each step in one transaction so that a crash leaves the old version or the new.
/// </summary>
internal static class FolderSchema
{
    // Schema 4: the chunk's heading path, identity (ChunkIdentity) and analyzed terms, which the keyword table indexes.
    private const string AddAnalyzedColumnsSql = """
        ALTER TABLE chunks ADD COLUMN heading TEXT;
        ALTER TABLE chunks ADD COLUMN chunk_hash TEXT;
        ALTER TABLE chunks ADD COLUMN terms TEXT NOT NULL DEFAULT '';
        CREATE INDEX chunks_hash ON chunks(chunk_hash);
        """;

    public static void Create(SqliteConnection connection, SqliteTransaction tx, RagIndexSettings settings)
    {
        RagDatabase.Execute(connection, RagDatabase.Schema, tx);
        if (settings.HasPages)
        {
            RagDatabase.Execute(connection, RagDatabase.AddPageColumnSql, tx);
        }

        if (settings.HasAnalyzedTerms)
        {
            RagDatabase.Execute(connection, AddAnalyzedColumnsSql, tx);
            KeywordIndex.Create(connection, tx);
        }
        else if (settings.HasKeywordIndex)
        {
            KeywordIndex.CreateLegacy(connection, tx, settings.Stemming);
        }
    }

    /// <summary>
    /// Brings an older index to the current schema: page column (3), then analyzed keyword terms, heading and chunk
    /// identity (4), computed from the chunks already stored. Returns what was done, for a warning, or null.
    /// </summary>
    public static string? Upgrade(RagDatabase db, KeywordStemming requestedStemming, string folder)
    {
        var settings = db.Settings;
        if (settings.HasAnalyzedTerms)
        {
            return null;
        }

        // An index from before hybrid retrieval gets the stemming asked for now; later ones keep theirs.
        var stemming = settings.HasKeywordIndex ? settings.Stemming : requestedStemming;
        var connection = db.Connection;
        using var tx = connection.BeginTransaction();
        if (!HasColumn(connection, tx, "page"))
        {
            RagDatabase.Execute(connection, RagDatabase.AddPageColumnSql, tx);
        }

        KeywordIndex.Drop(connection, tx);
        if (!HasColumn(connection, tx, "terms"))
        {
            RagDatabase.Execute(connection, AddAnalyzedColumnsSql, tx);
        }

        var chunks = AnalyseStoredChunks(connection, tx, settings.EmbeddingModel, TextAnalyzer.For(stemming));
        KeywordIndex.Create(connection, tx);
        var upgraded = settings with { SchemaVersion = RagIndexSettings.AnalyzedTermsSchemaVersion, Stemming = stemming };
        foreach (var (key, value) in upgraded.ToMeta().Where(m => m.Key is "schema_version" or "keyword_stemming").Append(new("analyzer", TextAnalyzer.Version)))
        {
            RagDatabase.SetMeta(connection, tx, key, value);
        }

        db.BumpGeneration(tx);
        tx.Commit();
        db.Settings = upgraded;
        return settings.HasKeywordIndex
            ? $"The index {folder} was upgraded to schema {upgraded.SchemaVersion}: its keyword index now holds every script's words (the same terms as a database index), from its {chunks} chunks."
            : $"The index {folder} was built before hybrid retrieval; its keyword index was added now from its {chunks} chunks.";
    }

    private static int AnalyseStoredChunks(SqliteConnection connection, SqliteTransaction tx, string model, TextAnalyzer analyzer)
    {
        var rows = new List<(long Id, string? Heading, string Text)>();
        using (var read = connection.CreateCommand())
        {
            read.Transaction = tx;
            read.CommandText = "SELECT id, heading, text FROM chunks";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2)));
            }
        }

        using var update = connection.CreateCommand();
        update.Transaction = tx;
        update.CommandText = "UPDATE chunks SET chunk_hash = $hash, terms = $terms WHERE id = $id";
        var pHash = update.Parameters.Add("$hash", SqliteType.Text);
        var pTerms = update.Parameters.Add("$terms", SqliteType.Text);
        var pId = update.Parameters.Add("$id", SqliteType.Integer);
        update.Prepare();
        foreach (var (id, heading, text) in rows)
        {
            pHash.Value = ChunkIdentity.Of(model, heading, text);
            pTerms.Value = string.Join(' ', analyzer.Terms(ChunkIdentity.WithHeading(heading, text)));
            pId.Value = id;
            update.ExecuteNonQuery();
        }

        return rows.Count;
    }

    private static bool HasColumn(SqliteConnection connection, SqliteTransaction tx, string column)
    {
        using var probe = connection.CreateCommand();
        probe.Transaction = tx;
        probe.CommandText = "SELECT count(*) FROM pragma_table_info('chunks') WHERE name = $column";
        probe.Parameters.AddWithValue("$column", column);
        return Convert.ToInt64(probe.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }
}
