using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using MixtralPS.Core.Rag.Text;

namespace MixtralPS.Core.Rag.Stores.Folder;

/// <summary>
/// The full-text (FTS5, BM25) half of the index. The table mirrors chunks through triggers, so every write
/// of a chunk and of its keyword entry happens in the same transaction and the two never fall out of step.
/// </summary>
internal static class KeywordIndex
{
    public static string Tokenizer(KeywordStemming stemming) =>
        (stemming == KeywordStemming.Porter ? "porter " : "") + "unicode61 remove_diacritics 2";

    /// <summary>
    /// Creates the table and its triggers over the chunks' text, as indexes before schema 4 have it (FTS5 tokenizes and
    /// stems; kept to create such indexes in tests and to read them until their next writer upgrades them).
    /// </summary>
    public static void CreateLegacy(SqliteConnection connection, SqliteTransaction tx, KeywordStemming stemming) =>
        CreateOver(connection, tx, "text", Tokenizer(stemming));

    /// <summary>
    /// Creates the table and its triggers over the chunks' analyzed terms (schema 4), filled from what is stored. The
    /// terms are the module's analyzer's output joined by spaces, so FTS5's ascii tokenizer gives them back unchanged:
    /// the folder and the database store index the very same terms, in every script.
    /// </summary>
    public static void Create(SqliteConnection connection, SqliteTransaction tx) => CreateOver(connection, tx, "terms", "ascii");

    /// <summary>Removes the keyword table and its triggers (an upgrade recreates them over another column).</summary>
    public static void Drop(SqliteConnection connection, SqliteTransaction tx)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "DROP TRIGGER IF EXISTS chunks_fts_insert; DROP TRIGGER IF EXISTS chunks_fts_delete; DROP TABLE IF EXISTS chunks_fts;";
        command.ExecuteNonQuery();
    }

    private static void CreateOver(SqliteConnection connection, SqliteTransaction tx, string column, string tokenizer)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"""
            CREATE VIRTUAL TABLE chunks_fts USING fts5({column}, content='chunks', content_rowid='id', tokenize='{tokenizer}');
            CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
                INSERT INTO chunks_fts(rowid, {column}) VALUES (new.id, new.{column});
            END;
            CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
                INSERT INTO chunks_fts(chunks_fts, rowid, {column}) VALUES ('delete', old.id, old.{column});
            END;
            INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild');
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Merges the full-text index into one segment. Documents written a transaction at a time leave it in many
    /// segments, which every search reads and merges: on 100,000 chunks written 100 at a time a keyword search took
    /// 9.1 ms at the median before and 5.6 ms after; the merge took 0.9 s (measured here). FTS5's own merging on
    /// write (automerge) keeps the count of segments bounded, not small.
    /// </summary>
    public static void Optimize(SqliteConnection connection, SqliteTransaction tx)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "INSERT INTO chunks_fts(chunks_fts) VALUES ('optimize')";
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// A bounded share of that merging, for small updates: merging everything costs O(index) on every write, while a few
    /// hundred pages of work a session keep the segment count from growing at a cost that does not grow with the index.
    /// </summary>
    public static void Merge(SqliteConnection connection, SqliteTransaction tx, int pages)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('merge', $pages)";
        command.Parameters.AddWithValue("$pages", pages);
        command.ExecuteNonQuery();
    }

    /// <summary>The shared budget (<see cref="KeywordBudget"/>): rare words decide the ranking; common ones are dropped past it.</summary>
    public const int DefaultRowBudget = KeywordBudget.DefaultRowBudget;

    /// <summary>
    /// A user's question as FTS5 terms: each word quoted as a plain term, so quotes, hyphens, colons,
    /// AND/OR/NOT/NEAR and other query syntax in a question are only words, never operators.
    /// </summary>
    public static List<string> Terms(string question)
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
        return terms.Distinct(StringComparer.Ordinal).ToList();

        void Flush()
        {
            if (word.Length > 0)
            {
                terms.Add("\"" + word.ToString().Replace("\"", "\"\"") + "\"");
                word.Clear();
            }
        }
    }

    /// <summary>A question as FTS5 terms of a schema 4 index: the analyzer's query terms, quoted.</summary>
    public static List<string> AnalyzedTerms(TextAnalyzer analyzer, string question) =>
        analyzer.QueryTerms(question).Select(t => "\"" + t + "\"").ToList();

    /// <summary>The question as one FTS5 query matching any of its words; null when it has none.</summary>
    public static string? ToMatchQuery(string question) => ToMatchQuery(Terms(question));

    private static string? ToMatchQuery(IReadOnlyCollection<string> terms) => terms.Count == 0 ? null : string.Join(" OR ", terms);

    /// <summary>The best chunks by BM25, best first, with BM25 as a higher-is-better score.</summary>
    /// <param name="rowCounts">Rows matched per term, kept by the caller while the index does not change: common
    /// words recur in every question, and counting them reads the most pages.</param>
    public static List<(long Id, float Score)> Search(
        SqliteConnection connection, string question, int count, int rowBudget = DefaultRowBudget, Dictionary<string, long>? rowCounts = null) =>
        Search(connection, Terms(question), count, rowBudget, rowCounts);

    /// <summary>The best chunks for terms already made FTS5 terms (quoted), best first, BM25 higher-is-better.</summary>
    public static List<(long Id, float Score)> Search(
        SqliteConnection connection, List<string> terms, int count, int rowBudget = DefaultRowBudget, Dictionary<string, long>? rowCounts = null)
    {
        var hits = new List<(long, float)>();
        var match = ToMatchQuery(SelectiveTerms(connection, terms, rowBudget, rowCounts));
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

    /// <summary>
    /// The terms to search with: rarest first while together they match at most <paramref name="rowBudget"/>
    /// rows (the rarest always), none that match nothing. Counting stops past the budget, so a common
    /// word costs no more to count than a rare one; only when every word passes it are they counted in full.
    /// </summary>
    internal static List<string> SelectiveTerms(SqliteConnection connection, List<string> terms, int rowBudget, Dictionary<string, long>? rowCounts = null)
    {
        rowCounts ??= [];
        var uncounted = terms.Where(t => !rowCounts.ContainsKey(t)).ToList();
        foreach (var (term, rows) in Count(connection, uncounted, rowBudget + 1))
        {
            rowCounts[term] = rows;
        }

        var matched = terms.Select(t => (Term: t, Rows: rowCounts[t])).Where(m => m.Rows > 0).ToList();
        if (matched.Count > 0 && matched.All(m => m.Rows > rowBudget))
        {
            // Counts past the budget were cut at it: to know which is rarest, these few are counted in full.
            matched = Count(connection, matched.Select(m => m.Term).ToList(), null);
        }

        var selected = KeywordBudget.Select(matched, rowBudget).Select(m => m.Term).ToList();
        return selected;
    }

    /// <summary>How many rows each term matches, counting no further than <paramref name="cap"/>.</summary>
    private static List<(string Term, long Rows)> Count(SqliteConnection connection, List<string> terms, int? cap)
    {
        if (terms.Count == 0)
        {
            return [];
        }

        using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT ");
        for (var i = 0; i < terms.Count; i++)
        {
            sql.Append(i == 0 ? "" : ", ")
                .Append($"(SELECT count(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH $t{i}{(cap is null ? "" : " LIMIT $cap")}))");
            command.Parameters.AddWithValue($"$t{i}", terms[i]);
        }

        command.CommandText = sql.ToString();
        if (cap is not null)
        {
            command.Parameters.AddWithValue("$cap", cap);
        }

        using var reader = command.ExecuteReader();
        reader.Read();
        return terms.Select((term, i) => (term, reader.GetInt64(i))).ToList();
    }
}
