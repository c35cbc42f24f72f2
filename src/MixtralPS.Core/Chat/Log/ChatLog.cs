using System.Globalization;
using Microsoft.Data.Sqlite;
using MixtralPS.Core.Storage;
using MixtralPS.Core.Configuration;

namespace MixtralPS.Core.Chat.Log;

/// <summary>Why the chat log could not be used.</summary>
public sealed class ChatLogException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A saved conversation, as a removal names it.</summary>
public sealed record ChatConversationSummary(long Id, DateTimeOffset Started, int Exchanges, string FirstPrompt)
{
    public override string ToString() =>
        $"conversation {Id} of {Started.ToLocalTime():yyyy-MM-dd HH:mm} ({Exchanges} exchange{(Exchanges == 1 ? "" : "s")}: \"{ChatLogEntry.OneLine(FirstPrompt, 60)}\")";
}

/// <summary>
/// The chat log: a small SQLite database of conversations and their exchanges, with a full-text index (FTS5) of
/// prompts and answers. WAL journaling and a busy timeout let chats in parallel runspaces and processes all
/// commit; every exchange is written in one immediate transaction, so none is lost or half-written. Nothing that
/// authenticates is stored: of the endpoint, only its host.
/// </summary>
public sealed partial class ChatLog : IDisposable
{
    /// <summary>Version of the schema below, kept in SQLite's user_version.</summary>
    public const int SchemaVersion = 1;

    public const string FileName = "chat-log.db";

    /// <summary>How long a writer waits for another one before the exchange is given up (with a warning).</summary>
    private const int BusyTimeoutMs = 10_000;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS conversations(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started TEXT NOT NULL,
            model TEXT NOT NULL,
            endpoint TEXT);
        CREATE TABLE IF NOT EXISTS exchanges(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            prompt TEXT NOT NULL,
            answer TEXT NOT NULL,
            model TEXT NOT NULL,
            prompt_tokens INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL,
            finish_reason TEXT,
            tool_calls TEXT,
            created TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS exchanges_conversation ON exchanges(conversation_id, ordinal);
        -- The conversation's messages as sent, to continue it; each row added by the exchange that first sent it.
        CREATE TABLE IF NOT EXISTS messages(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            exchange_id INTEGER NOT NULL REFERENCES exchanges(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            role TEXT NOT NULL,
            content TEXT,
            tool_calls TEXT,
            tool_call_id TEXT,
            name TEXT);
        CREATE INDEX IF NOT EXISTS messages_conversation ON messages(conversation_id, ordinal);
        CREATE INDEX IF NOT EXISTS messages_exchange ON messages(exchange_id);
        CREATE VIRTUAL TABLE IF NOT EXISTS exchanges_fts USING fts5(prompt, answer, content='exchanges', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
        CREATE TRIGGER IF NOT EXISTS exchanges_fts_insert AFTER INSERT ON exchanges BEGIN
            INSERT INTO exchanges_fts(rowid, prompt, answer) VALUES (new.id, new.prompt, new.answer);
        END;
        CREATE TRIGGER IF NOT EXISTS exchanges_fts_delete AFTER DELETE ON exchanges BEGIN
            INSERT INTO exchanges_fts(exchanges_fts, rowid, prompt, answer) VALUES ('delete', old.id, old.prompt, old.answer);
        END;
        """;

    private readonly SqliteConnection connection;

    private ChatLog(SqliteConnection connection, string path)
    {
        this.connection = connection;
        Path = path;
    }

    /// <summary>The log of the user's data folder (MIXTRALPS_HOME, XDG_DATA_HOME or the platform's).</summary>
    public static string DefaultPath => System.IO.Path.Combine(MixtralEnvironment.DataFolder, FileName);

    public string Path { get; }

    /// <summary>Closes the pooled connections, so that the log's files can be moved or removed (tests, Windows).</summary>
    public static void ReleaseFiles() => SqliteConnection.ClearAllPools();

    /// <summary>Opens the log, creating it and its folder on first use.</summary>
    public static ChatLog Open(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        return OpenFile(path, SqliteOpenMode.ReadWriteCreate);
    }

    /// <summary>Opens the log if there is one; null when nothing was saved yet (reading creates no file).</summary>
    public static ChatLog? OpenExisting(string path) => File.Exists(path) ? OpenFile(path, SqliteOpenMode.ReadWrite) : null;

    private static ChatLog OpenFile(string path, SqliteOpenMode mode)
    {
        SqliteConnection? connection = null;
        try
        {
            connection = Connect(path, mode);
            var version = UserVersion(connection, null);
            if (version == 0)
            {
                CreateSchema(connection);
            }
            else if (version > SchemaVersion)
            {
                throw new ChatLogException($"The chat log '{path}' was written by a newer MixtralPS (log schema {version}; this one reads up to {SchemaVersion}). Update the module.");
            }

            return new ChatLog(connection, path);
        }
        catch (SqliteException ex)
        {
            connection?.Dispose();
            throw new ChatLogException($"The chat log '{path}' cannot be used: {ex.Message.TrimEnd('.')}.", ex);
        }
        catch
        {
            connection?.Dispose();
            throw;
        }
    }

    // Pooled: every chat opens the log, adds one exchange and closes it. A pooled connection stays open for the
    // process, so a chat pays neither the open nor the WAL checkpoint (with an fsync) that the last connection
    // to close a WAL database does: ~1.3 ms a chat here (bench/Chat). ReleaseFiles closes them.
    private static SqliteConnection Connect(string path, SqliteOpenMode mode) => SqliteFiles.Open(path, mode, pooled: true, BusyTimeoutMs / 1000,
        $"PRAGMA busy_timeout={BusyTimeoutMs}; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;");

    /// <summary>Creates the tables once; two processes opening a new log at once both find them made.</summary>
    private static void CreateSchema(SqliteConnection connection)
    {
        Execute(connection, "PRAGMA journal_mode=WAL;");
        using var tx = connection.BeginTransaction(deferred: false);
        if (UserVersion(connection, tx) == 0)
        {
            Execute(connection, Schema + $"PRAGMA user_version={SchemaVersion};", tx);
        }

        tx.Commit();
    }

    private static long UserVersion(SqliteConnection connection, SqliteTransaction? tx)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Removes a conversation with its exchanges and messages; false when there is no such conversation.</summary>
    public bool Remove(long conversationId)
    {
        using var tx = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "DELETE FROM conversations WHERE id = $id";
        command.Parameters.AddWithValue("$id", conversationId);
        var removed = command.ExecuteNonQuery() > 0;
        tx.Commit();
        return removed;
    }

    private static string Timestamp(DateTimeOffset time) => time.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTimestamp(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    public void Dispose() => connection.Dispose();
}
