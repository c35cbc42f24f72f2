using System.Text.Json.Serialization;

namespace MixtralPS.Core.Models;

/// <summary>The API's ResponseBase: what chat and embedding responses share.</summary>
public abstract class ResponseBase
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("object")]
    public string? Object { get; set; }

    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("usage")]
    public UsageInfo? Usage { get; set; }
}

/// <summary>The API's ChatCompletionResponse. Unknown fields are ignored so newer servers keep working.</summary>
public sealed class ChatCompletionResponse : ResponseBase
{
    [JsonPropertyName("created")]
    public long? Created { get; set; }

    [JsonPropertyName("choices")]
    public List<ChatCompletionChoice> Choices { get; set; } = [];
}

public sealed class ChatCompletionChoice
{
    [JsonPropertyName("index")]
    public int Index { get; set; }

    [JsonPropertyName("message")]
    public ChatMessage? Message { get; set; }

    [JsonPropertyName("finish_reason")]
    public string? FinishReason { get; set; }
}

/// <summary>The API's UsageInfo.</summary>
public sealed class UsageInfo
{
    [JsonPropertyName("prompt_tokens")]
    public int PromptTokens { get; set; }

    [JsonPropertyName("completion_tokens")]
    public int CompletionTokens { get; set; }

    [JsonPropertyName("total_tokens")]
    public int TotalTokens { get; set; }

    public override string ToString() => $"{PromptTokens} prompt + {CompletionTokens} completion = {TotalTokens} tokens";
}

/// <summary>The API's CompletionChunk: one server-sent event of a streamed chat completion.</summary>
public sealed class CompletionChunk
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("object")]
    public string? Object { get; set; }

    [JsonPropertyName("created")]
    public long? Created { get; set; }

    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("usage")]
    public UsageInfo? Usage { get; set; }

    [JsonPropertyName("choices")]
    public List<CompletionResponseStreamChoice> Choices { get; set; } = [];
}

/// <summary>The API's CompletionResponseStreamChoice.</summary>
public sealed class CompletionResponseStreamChoice
{
    [JsonPropertyName("index")]
    public int Index { get; set; }

    [JsonPropertyName("delta")]
    public ChatMessage? Delta { get; set; }

    [JsonPropertyName("finish_reason")]
    public string? FinishReason { get; set; }
}
