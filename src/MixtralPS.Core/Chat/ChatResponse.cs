using System.Text.Json;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Chat;

/// <summary>
/// One answer of the model, with the conversation that led to it. Pass it back with a new message to
/// continue the conversation; its text form is the answer.
/// </summary>
public sealed class ChatResponse
{
    public string Content { get; init; } = "";

    public string Model { get; init; } = "";

    public string? FinishReason { get; init; }

    public UsageInfo Usage { get; init; } = new();

    /// <summary>Every message of the conversation, this answer last.</summary>
    public IReadOnlyList<ChatMessage> History { get; init; } = [];

    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = [];

    public string? Id { get; init; }

    public DateTimeOffset? Created { get; init; }

    public bool Streamed { get; init; }

    /// <summary>The answer parsed as JSON when JSON output was asked for.</summary>
    public JsonElement? Json { get; init; }

    /// <summary>The sources a grounded answer drew on, in the order they were numbered in the prompt.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    public override string ToString() => Content;
}
