using System.Text.Json;
using MixtralPS.Core.Models;
using MixtralPS.Core.Tools;

namespace MixtralPS.Core.Chat;

/// <summary>
/// One answer of the model, with the conversation that led to it. Pass it back with a new message to
/// continue the conversation; its text form is the answer.
/// </summary>
public sealed class ChatResponse
{
    public string Content { get; init; } = "";

    public string Model { get; init; } = "";

    /// <summary>A reasoning model's thinking, apart from the answer in <see cref="Content"/>; null when there was none.</summary>
    public string? Thinking { get; init; }

    /// <summary>The answer as the API's content chunks when it came as more than text (thinking, references); else null.</summary>
    public IReadOnlyList<ContentChunk>? Parts { get; init; }

    public string? FinishReason { get; init; }

    /// <summary>Tokens used; after a tool conversation, by all of its requests together.</summary>
    public UsageInfo Usage { get; init; } = new();

    /// <summary>Every message of the conversation, this answer last.</summary>
    public IReadOnlyList<ChatMessage> History { get; init; } = [];

    /// <summary>The tools the model asks to run (id, name, arguments as a hashtable); empty once it has answered.</summary>
    public IReadOnlyList<ToolCallRequest> ToolCalls { get; init; } = [];

    /// <summary>Every tool call that was run (or refused) on the way to this answer, oldest first.</summary>
    public IReadOnlyList<ToolRun> ToolRuns { get; init; } = [];

    public string? Id { get; init; }

    public DateTimeOffset? Created { get; init; }

    public bool Streamed { get; init; }

    /// <summary>The answer parsed as JSON when JSON output was asked for.</summary>
    public JsonElement? Json { get; init; }

    /// <summary>The sources a grounded answer drew on, in the order they were numbered in the prompt.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    public override string ToString() => Content;

    /// <summary>This response at the end of a tool conversation: its tool runs, the usage of all its requests, and
    /// where its own calls were answered, the longer history.</summary>
    internal ChatResponse WithToolRuns(IReadOnlyList<ToolRun> runs, UsageInfo usage, IReadOnlyList<ChatMessage>? history = null) => new()
    {
        Content = Content,
        Model = Model,
        Thinking = Thinking,
        Parts = Parts,
        FinishReason = FinishReason,
        Usage = usage,
        History = history ?? History,
        ToolCalls = ToolCalls,
        ToolRuns = runs,
        Id = Id,
        Created = Created,
        Streamed = Streamed,
        Json = Json,
        Sources = Sources,
    };
}
