using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using MixtralPS.Core.Json;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Chat.Log;

/// <summary>Saving an exchange: its conversation, its row and the messages it sent first, in one transaction.</summary>
public sealed partial class ChatLog
{
    /// <summary>
    /// Saves an answer and the conversation that led to it. With <paramref name="conversationId"/> it goes on that
    /// conversation when the saved messages begin the answer's history; otherwise (no id, an unknown one, or a
    /// history that differs from what was saved, such as a replaced system prompt) it starts a new conversation.
    /// </summary>
    /// <param name="endpoint">The endpoint's host (and port); nothing else of its address is saved.</param>
    /// <param name="redact">Scrubs a secret (the API key) from every text before it is written.</param>
    public ChatLogEntry Append(ChatResponse response, TimeSpan duration, string? endpoint, long? conversationId = null, Func<string, string>? redact = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        redact ??= text => text;
        var history = response.History.Select(m => Redacted(m, redact)).ToList();
        var answerIndex = history.FindLastIndex(m => m.Role == ChatRole.Assistant);
        var prompt = history.Take(answerIndex < 0 ? history.Count : answerIndex).LastOrDefault(m => m.Role == ChatRole.User)?.Content ?? "";
        var now = DateTimeOffset.UtcNow;

        using var tx = connection.BeginTransaction(deferred: false);
        var saved = conversationId is { } id ? ReadMessages(id, tx) : null;
        if (saved is null || !BeginsWith(history, saved))
        {
            saved = [];
            conversationId = Insert(tx, "INSERT INTO conversations(started, model, endpoint) VALUES ($started, $model, $endpoint) RETURNING id",
                ("$started", Timestamp(now)), ("$model", response.Model), ("$endpoint", endpoint));
        }

        var ordinal = (long)Scalar(tx, "SELECT coalesce(max(ordinal), 0) + 1 FROM exchanges WHERE conversation_id = $id", ("$id", conversationId))!;
        var entry = new ChatLogEntry
        {
            ConversationId = conversationId!.Value,
            Ordinal = (int)ordinal,
            Created = now,
            Model = response.Model,
            Endpoint = endpoint,
            Prompt = prompt,
            Answer = redact(response.Content),
            PromptTokens = response.Usage.PromptTokens,
            CompletionTokens = response.Usage.CompletionTokens,
            Duration = TimeSpan.FromMilliseconds(Math.Round(duration.TotalMilliseconds)),
            FinishReason = response.FinishReason,
            ToolCallsJson = ToolCallsJson(response, redact),
        };
        var exchangeId = Insert(tx, """
            INSERT INTO exchanges(conversation_id, ordinal, prompt, answer, model, prompt_tokens, completion_tokens, duration_ms, finish_reason, tool_calls, created)
            VALUES ($conversation, $ordinal, $prompt, $answer, $model, $promptTokens, $completionTokens, $duration, $finish, $tools, $created) RETURNING id
            """,
            ("$conversation", entry.ConversationId), ("$ordinal", entry.Ordinal), ("$prompt", entry.Prompt), ("$answer", entry.Answer),
            ("$model", entry.Model), ("$promptTokens", entry.PromptTokens), ("$completionTokens", entry.CompletionTokens),
            ("$duration", (long)entry.Duration.TotalMilliseconds), ("$finish", entry.FinishReason), ("$tools", entry.ToolCallsJson), ("$created", Timestamp(now)));

        for (var i = saved.Count; i < history.Count; i++)
        {
            var message = history[i];
            Insert(tx, """
                INSERT INTO messages(conversation_id, exchange_id, ordinal, role, content, tool_calls, tool_call_id, name)
                VALUES ($conversation, $exchange, $ordinal, $role, $content, $tools, $toolCallId, $name) RETURNING id
                """,
                ("$conversation", entry.ConversationId), ("$exchange", exchangeId), ("$ordinal", i + 1), ("$role", message.Role),
                ("$content", message.Content), ("$tools", message.ToolCalls is { Count: > 0 } calls ? JsonSerializer.Serialize(calls, MistralJsonContext.Default.ListToolCall) : null),
                ("$toolCallId", message.ToolCallId), ("$name", message.Name));
        }

        tx.Commit();
        return new ChatLogEntry
        {
            Id = exchangeId,
            ConversationId = entry.ConversationId,
            Ordinal = entry.Ordinal,
            Created = entry.Created,
            Model = entry.Model,
            Endpoint = entry.Endpoint,
            Prompt = entry.Prompt,
            Answer = entry.Answer,
            PromptTokens = entry.PromptTokens,
            CompletionTokens = entry.CompletionTokens,
            Duration = entry.Duration,
            FinishReason = entry.FinishReason,
            ToolCalls = ToolCallLines(entry.ToolCallsJson),
            ToolCallsJson = entry.ToolCallsJson,
        };
    }

    private static ChatMessage Redacted(ChatMessage message, Func<string, string> redact) => new()
    {
        Role = message.Role,
        Content = message.Content is null ? null : redact(message.Content),
        ToolCalls = message.ToolCalls?.Select(c => new ToolCall
        {
            Id = c.Id,
            Type = c.Type,
            Index = c.Index,
            Function = new FunctionCall { Name = c.Function.Name, Arguments = redact(c.Function.Arguments) },
        }).ToList(),
        ToolCallId = message.ToolCallId,
        Name = message.Name,
        Prefix = message.Prefix,
    };

    /// <summary>Whether the saved messages are where the history starts: same roles, same texts, in order.</summary>
    private static bool BeginsWith(IReadOnlyList<ChatMessage> history, IReadOnlyList<ChatMessage> saved) =>
        saved.Count > 0 && saved.Count <= history.Count &&
        saved.Select((m, i) => m.Role == history[i].Role && (m.Content ?? "") == (history[i].Content ?? "") && m.ToolCallId == history[i].ToolCallId).All(same => same);

    /// <summary>The tools run (or asked for) on the way to the answer, as a JSON array.</summary>
    private static string? ToolCallsJson(ChatResponse response, Func<string, string> redact)
    {
        if (response.ToolRuns.Count == 0 && response.ToolCalls.Count == 0)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var run in response.ToolRuns)
            {
                WriteCall(json, run.Round, run.Call.Id, run.Call.Name, redact(run.Call.ArgumentsJson), run.Outcome.ToString(), redact(run.Content));
            }

            foreach (var call in response.ToolCalls)
            {
                WriteCall(json, null, call.Id, call.Name, redact(call.ArgumentsJson), "NotRun", null);
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteCall(Utf8JsonWriter json, int? round, string? id, string name, string arguments, string outcome, string? result)
    {
        json.WriteStartObject();
        if (round is { } r)
        {
            json.WriteNumber("round", r);
        }

        json.WriteString("id", id);
        json.WriteString("name", name);
        json.WriteString("arguments", arguments);
        json.WriteString("outcome", outcome);
        json.WriteString("result", result);
        json.WriteEndObject();
    }

    private long Insert(SqliteTransaction tx, string sql, params (string Name, object? Value)[] parameters) => (long)Scalar(tx, sql, parameters)!;

    private object? Scalar(SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command.ExecuteScalar();
    }
}
