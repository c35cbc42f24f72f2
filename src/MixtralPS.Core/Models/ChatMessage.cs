using System.Text.Json.Serialization;
using MixtralPS.Core.Json;

namespace MixtralPS.Core.Models;

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

    /// <summary>Text of the message; content chunk arrays from the API are read as their joined text.</summary>
    [JsonPropertyName("content")]
    [JsonConverter(typeof(MessageContentConverter))]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Content { get; set; }

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

    public static ChatMessage Assistant(string? content, List<ToolCall>? toolCalls = null) =>
        new() { Role = ChatRole.Assistant, Content = content, ToolCalls = toolCalls is { Count: > 0 } ? toolCalls : null };

    public static ChatMessage ToolResult(string toolCallId, string name, string content) =>
        new() { Role = ChatRole.Tool, ToolCallId = toolCallId, Name = name, Content = content };

    public override string ToString() => $"{Role}: {Content}";
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
