using System.Text.Json.Serialization;
using MixtralPS.Core.Json;

namespace MixtralPS.Core.Models;

/// <summary>A message's content as it is on the wire: its text, and its chunks when it has them.</summary>
public readonly record struct MessageContent(string? Text, IReadOnlyList<ContentChunk>? Parts);

/// <summary>Roles of the API's message schemas (SystemMessage, UserMessage, AssistantMessage, ToolMessage).</summary>
public static class ChatRole
{
    public const string System = "system";
    public const string User = "user";
    public const string Assistant = "assistant";
    public const string Tool = "tool";
}

/// <summary>
/// One message of a conversation. The API has one schema per role, each with
/// additionalProperties: false, so fields a role does not declare must stay null (they are not written).
/// </summary>
public sealed class ChatMessage
{
    [JsonPropertyName("role")]
    public string Role { get; set; } = ChatRole.User;

    /// <summary>Text of the message; content chunk arrays are read as the text of their text chunks.</summary>
    [JsonIgnore]
    public string? Content { get; set; }

    /// <summary>
    /// The content as chunks, when it is more than text: images and documents beside a question, a reasoning
    /// model's thinking beside its answer. Sent as they are (so a conversation keeps what the API needs); null
    /// when the content is plain text.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<ContentChunk>? Parts { get; set; }

    /// <summary>A reasoning model's thinking in this message, apart from its answer; null when there is none.</summary>
    [JsonIgnore]
    public string? Thinking => Parts?.OfType<ThinkChunk>().Select(t => t.Text).DefaultIfEmpty().Aggregate((a, b) => a + b);

    [JsonPropertyName("content")]
    [JsonInclude]
    [JsonConverter(typeof(MessageContentConverter))]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    internal MessageContent WireContent
    {
        get => new(Content, Parts);
        set => (Content, Parts) = (value.Text, value.Parts);
    }

    [JsonPropertyName("tool_calls")]
    public List<ToolCall>? ToolCalls { get; set; }

    [JsonPropertyName("tool_call_id")]
    public string? ToolCallId { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("prefix")]
    public bool? Prefix { get; set; }

    public static ChatMessage System(string content) => new() { Role = ChatRole.System, Content = content };

    public static ChatMessage User(string content) => new() { Role = ChatRole.User, Content = content };

    /// <summary>A question with attachments (images, documents) after its text.</summary>
    public static ChatMessage User(string content, IReadOnlyList<ContentChunk> attachments) => attachments.Count == 0 ? User(content) : new()
    {
        Role = ChatRole.User,
        Content = content,
        Parts = content.Length == 0 ? attachments : [new TextChunk(content), .. attachments],
    };

    /// <summary>The start the answer must have (the API's assistant prefix message).</summary>
    public static ChatMessage AnswerPrefix(string prefix) => new() { Role = ChatRole.Assistant, Content = prefix, Prefix = true };

    public static ChatMessage Assistant(string? content, List<ToolCall>? toolCalls = null) =>
        new() { Role = ChatRole.Assistant, Content = content, ToolCalls = toolCalls is { Count: > 0 } ? toolCalls : null };

    public static ChatMessage ToolResult(string toolCallId, string name, string content) =>
        new() { Role = ChatRole.Tool, ToolCallId = toolCallId, Name = name, Content = content };

    public override string ToString() => Parts is { } parts && parts.Any(p => p is not TextChunk)
        ? $"{Role}: {Content} {string.Join(" ", parts.Where(p => p is not TextChunk and not ThinkChunk))}".TrimEnd()
        : $"{Role}: {Content}";
}

/// <summary>The API's ToolCall: a function the model asks to run.</summary>
public sealed class ToolCall
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; } = "function";

    [JsonPropertyName("function")]
    public FunctionCall Function { get; set; } = new();

    [JsonPropertyName("index")]
    public int? Index { get; set; }
}

/// <summary>The API's FunctionCall; arguments arrive as an object or a JSON string and are kept as JSON text.</summary>
public sealed class FunctionCall
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("arguments")]
    [JsonConverter(typeof(RawJsonOrStringConverter))]
    public string Arguments { get; set; } = "";
}
