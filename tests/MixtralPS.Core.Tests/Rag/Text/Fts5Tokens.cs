using Microsoft.Data.Sqlite;

namespace MixtralPS.Core.Tests.Rag.Text;

/// <summary>SQLite FTS5's own terms for texts: each text is a row of an in-memory FTS5 table and its terms are read
/// back, in order, from the fts5vocab 'instance' table. This is the reference the analyzer is compared with.</summary>
internal static class Fts5Tokens
{
    public const string Porter = "porter unicode61 remove_diacritics 2";
    public const string Plain = "unicode61 remove_diacritics 2";

    /// <summary>Each text's terms in text order.</summary>
    public static List<string>[] Tokenize(IReadOnlyList<string> texts, string tokenizer)
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        Execute(connection, $"CREATE VIRTUAL TABLE t USING fts5(x, tokenize='{tokenizer}'); CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');");
        using (var tx = connection.BeginTransaction())
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO t(rowid, x) VALUES ($id, $x)";
            var id = insert.Parameters.Add("$id", SqliteType.Integer);
            var x = insert.Parameters.Add("$x", SqliteType.Text);
            for (var i = 0; i < texts.Count; i++)
            {
                id.Value = i + 1;
                x.Value = texts[i];
                insert.ExecuteNonQuery();
            }
            tx.Commit();
        }
        var result = new List<string>[texts.Count];
        for (var i = 0; i < result.Length; i++) result[i] = [];
        var rows = new List<(long Doc, long Offset, string Term)>();
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT doc, offset, term FROM v";
            using var reader = read.ExecuteReader();
            while (reader.Read()) rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2)));
        }
        foreach (var row in rows.OrderBy(r => r.Doc).ThenBy(r => r.Offset)) result[row.Doc - 1].Add(row.Term);
        return result;
    }

    public static string SqliteVersion()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version()";
        return (string)command.ExecuteScalar()!;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
