namespace MixtralPS.Core.Chat.Log;

/// <summary>One saved exchange of the chat log: a prompt, the answer it got, and what it took.</summary>
public sealed class ChatLogEntry
{
    /// <summary>The exchange's number in the log; later exchanges have higher numbers.</summary>
    public long Id { get; init; }

    /// <summary>The conversation it belongs to (Invoke-MixtralChat -ConversationId).</summary>
    public long ConversationId { get; init; }

    /// <summary>Its place in the conversation, from 1.</summary>
    public int Ordinal { get; init; }

    public DateTimeOffset Created { get; init; }

    public string Model { get; init; } = "";

    /// <summary>The host (and port) of the endpoint that answered; never a path, query or credential.</summary>
    public string? Endpoint { get; init; }

    /// <summary>The last user message sent: the question as it went out.</summary>
    public string Prompt { get; init; } = "";

    public string Answer { get; init; } = "";

    public int PromptTokens { get; init; }

    public int CompletionTokens { get; init; }

    /// <summary>From the request to the answer, tool runs included.</summary>
    public TimeSpan Duration { get; init; }

    public string? FinishReason { get; init; }

    /// <summary>The tool calls on the way to the answer, as name(arguments) -> outcome.</summary>
    public IReadOnlyList<string> ToolCalls { get; init; } = [];

    /// <summary>The tool calls as saved: round, id, name, arguments, outcome and result.</summary>
    public string? ToolCallsJson { get; init; }

    public override string ToString() => $"[{ConversationId}.{Ordinal}] {OneLine(Prompt, 80)}";

    /// <summary>The text on one line, cut with an ellipsis after <paramref name="max"/> characters.</summary>
    public static string OneLine(string text, int max)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= max ? flat : flat[..(max - 1)] + "…";
    }
}
