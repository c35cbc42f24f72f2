using Microsoft.Data.Sqlite;

namespace MixtralPS.Core.Storage;

/// <summary>Opens the module's SQLite files (retrieval indexes, the chat log) with one clear error when SQLite's native library is missing.</summary>
internal static class SqliteFiles
{
    /// <param name="pooled">Whether the connection stays open in the pool after it is closed (files stay held).</param>
    /// <param name="pragmas">Run once the connection is open: each file's own settings.</param>
    public static SqliteConnection Open(string path, SqliteOpenMode mode, bool pooled, int timeoutSeconds, string pragmas)
    {
        SqliteConnection connection;
        try
        {
            connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = mode,
                Pooling = pooled,
                DefaultTimeout = timeoutSeconds,
            }.ToString());
        }
        catch (TypeInitializationException ex) when (ex.GetBaseException() is DllNotFoundException missing)
        {
            // SQLitePCLRaw loads e_sqlite3 in a type initializer, through reflection: the reason is two wrappers down.
            throw new DllNotFoundException($"SQLite's native library (e_sqlite3) could not be loaded: {missing.Message}", ex);
        }

        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = pragmas;
        command.ExecuteNonQuery();
        return connection;
    }
}
