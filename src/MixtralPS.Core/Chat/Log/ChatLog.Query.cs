using MixtralPS.Core.Rag.Stores.Folder;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using MixtralPS.Core.Json;
using MixtralPS.Core.Models;
using MixtralPS.Core.Rag;

namespace MixtralPS.Core.Chat.Log;

/// <summary>Reading the log: exchanges newest first, by words or conversation, and a conversation's messages to go on with.</summary>
public sealed partial class ChatLog
{
    /// <summary>
    /// Saved exchanges, newest first. <paramref name="search"/> keeps those whose prompt or answer holds every one of
    /// its words (stemmed, ignoring case and accents; query syntax in it is only words).
    /// </summary>
    /// <param name="last">The most exchanges to return; null for all.</param>
    public List<ChatLogEntry> Find(string? search = null, long? conversationId = null, int? last = null)
    {
        using var command = connection.CreateCommand();
        var where = new List<string>();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var terms = KeywordIndex.Terms(search);
            if (terms.Count == 0)
            {
                return [];
            }

            where.Add("e.id IN (SELECT rowid FROM exchanges_fts WHERE exchanges_fts MATCH $match)");
            command.Parameters.AddWithValue("$match", string.Join(" AND ", terms));
        }

        if (conversationId is { } id)
        {
            where.Add("e.conversation_id = $conversation");
            command.Parameters.AddWithValue("$conversation", id);
        }

        command.CommandText = """
            SELECT e.id, e.conversation_id, e.ordinal, e.created, e.model, c.endpoint, e.prompt, e.answer,
                   e.prompt_tokens, e.completion_tokens, e.duration_ms, e.finish_reason, e.tool_calls
            FROM exchanges e JOIN conversations c ON c.id = e.conversation_id
            """ + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY e.id DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", last ?? -1);
        using var reader = command.ExecuteReader();
        var entries = new List<ChatLogEntry>();
        while (reader.Read())
        {
            var tools = reader.IsDBNull(12) ? null : reader.GetString(12);
            entries.Add(new ChatLogEntry
            {
                Id = reader.GetInt64(0),
                ConversationId = reader.GetInt64(1),
                Ordinal = reader.GetInt32(2),
                Created = ParseTimestamp(reader.GetString(3)),
                Model = reader.GetString(4),
                Endpoint = reader.IsDBNull(5) ? null : reader.GetString(5),
                Prompt = reader.GetString(6),
                Answer = reader.GetString(7),
                PromptTokens = reader.GetInt32(8),
                CompletionTokens = reader.GetInt32(9),
                Duration = TimeSpan.FromMilliseconds(reader.GetInt64(10)),
                FinishReason = reader.IsDBNull(11) ? null : reader.GetString(11),
                ToolCalls = ToolCallLines(tools),
                ToolCallsJson = tools,
            });
        }

        return entries;
    }

    /// <summary>The conversation of the newest exchange; null when the log is empty.</summary>
    public long? LastConversationId() => Scalar(null, "SELECT conversation_id FROM exchanges ORDER BY id DESC LIMIT 1") is long id ? id : null;

    /// <summary>A conversation's messages in order, to continue it; null when there is no such conversation.</summary>
    public List<ChatMessage>? History(long conversationId) => ReadMessages(conversationId, null);

    /// <summary>A conversation as a removal names it; null when there is none.</summary>
    public ChatConversationSummary? Conversation(long conversationId) => Conversations("WHERE c.id = $id", 1, conversationId).FirstOrDefault();

    /// <summary>The conversations with the newest exchanges, newest first (to complete -ConversationId).</summary>
    public List<ChatConversationSummary> RecentConversations(int count) => Conversations("", count, null);

    private List<ChatConversationSummary> Conversations(string where, int count, long? id)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT c.id, c.started, count(e.id), (SELECT prompt FROM exchanges WHERE conversation_id = c.id ORDER BY ordinal LIMIT 1)
            FROM conversations c LEFT JOIN exchanges e ON e.conversation_id = c.id {where}
            GROUP BY c.id ORDER BY max(e.id) DESC LIMIT $count
            """;
        command.Parameters.AddWithValue("$id", (object?)id ?? DBNull.Value);
        command.Parameters.AddWithValue("$count", count);
        using var reader = command.ExecuteReader();
        var found = new List<ChatConversationSummary>();
        while (reader.Read())
        {
            found.Add(new ChatConversationSummary(reader.GetInt64(0), ParseTimestamp(reader.GetString(1)), reader.GetInt32(2), reader.IsDBNull(3) ? "" : reader.GetString(3)));
        }

        return found;
    }

    /// <summary>Every conversation's id, oldest first.</summary>
    public List<long> ConversationIds()
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM conversations ORDER BY id";
        using var reader = command.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private List<ChatMessage>? ReadMessages(long conversationId, SqliteTransaction? tx)
    {
        if (Scalar(tx, "SELECT 1 FROM conversations WHERE id = $id", ("$id", conversationId)) is null)
        {
            return null;
        }

        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT role, content, tool_calls, tool_call_id, name FROM messages WHERE conversation_id = $id ORDER BY ordinal";
        command.Parameters.AddWithValue("$id", conversationId);
        using var reader = command.ExecuteReader();
        var messages = new List<ChatMessage>();
        while (reader.Read())
        {
            messages.Add(new ChatMessage
            {
                Role = reader.GetString(0),
                Content = reader.IsDBNull(1) ? null : reader.GetString(1),
                ToolCalls = reader.IsDBNull(2) ? null : JsonSerializer.Deserialize(reader.GetString(2), MistralJsonContext.Default.ListToolCall),
                ToolCallId = reader.IsDBNull(3) ? null : reader.GetString(3),
                Name = reader.IsDBNull(4) ? null : reader.GetString(4),
            });
        }

        return messages;
    }

    /// <summary>Saved tool calls as name(arguments) -> outcome.</summary>
    private static IReadOnlyList<string> ToolCallLines(string? json)
    {
        if (json is null)
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Select(c => $"{c.GetProperty("name").GetString()}({c.GetProperty("arguments").GetString()}) -> {c.GetProperty("outcome").GetString()}")
            .ToList();
    }
}
