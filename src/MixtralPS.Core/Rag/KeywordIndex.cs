using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace MixtralPS.Core.Rag;

/// <summary>Whether keyword search reduces words to their stems (Porter) before matching.</summary>
public enum KeywordStemming
{
    None,
    Porter,
}

/// <summary>
/// The full-text (FTS5, BM25) half of the index. The table mirrors chunks through triggers, so every write
/// of a chunk and of its keyword entry happens in the same transaction and the two never fall out of step.
/// </summary>
internal static class KeywordIndex
{
    /// <summary>Schema version from which indexes carry the keyword table.</summary>
    public const int SchemaVersion = 2;

    public static string Tokenizer(KeywordStemming stemming) =>
        (stemming == KeywordStemming.Porter ? "porter " : "") + "unicode61 remove_diacritics 2";

    /// <summary>Creates the table and its triggers, and fills it from the chunks already stored.</summary>
    public static void Create(SqliteConnection connection, SqliteTransaction tx, KeywordStemming stemming)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"""
            CREATE VIRTUAL TABLE chunks_fts USING fts5(text, content='chunks', content_rowid='id', tokenize='{Tokenizer(stemming)}');
            CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
                INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
            END;
            CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
                INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
            END;
            INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild');
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// A user's question as an FTS5 query: each word quoted as a plain term, joined by OR, so quotes, hyphens,
    /// colons, AND/OR/NOT/NEAR and other query syntax in a question are only words, never operators.
    /// </summary>
    public static string? ToMatchQuery(string question)
    {
        var terms = new List<string>();
        var word = new StringBuilder();
        foreach (var rune in question.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                word.Append(rune.ToString());
            }
            else
            {
                Flush();
            }
        }

        Flush();
        return terms.Count == 0 ? null : string.Join(" OR ", terms.Distinct(StringComparer.Ordinal));

        void Flush()
        {
            if (word.Length > 0)
            {
                terms.Add("\"" + word.ToString().Replace("\"", "\"\"") + "\"");
                word.Clear();
            }
        }
    }

    /// <summary>The best chunks by BM25, best first, with BM25 as a higher-is-better score.</summary>
    public static List<(long Id, float Score)> Search(SqliteConnection connection, string question, int count)
    {
        var match = ToMatchQuery(question);
        var hits = new List<(long, float)>();
        if (match is null || count < 1)
        {
            return hits;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT rowid, bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH $match ORDER BY bm25(chunks_fts) LIMIT $count";
        command.Parameters.AddWithValue("$match", match);
        command.Parameters.AddWithValue("$count", count);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            // FTS5's bm25() is lower-is-better (negative); users read scores as higher-is-better.
            hits.Add((reader.GetInt64(0), (float)-reader.GetDouble(1)));
        }

        return hits;
    }
}
