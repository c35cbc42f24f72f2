using System.Text.Json;
using System.Text.Json.Serialization;

namespace MixtralPS.Core.Models;

/// <summary>The API's ChatCompletionRequest; unset fields are not written (the API rejects undeclared ones).</summary>
public sealed class ChatCompletionRequest
{
    [JsonPropertyName("model")]
    public string Model { get; set; } = "";

    [JsonPropertyName("messages")]
    public List<ChatMessage> Messages { get; set; } = [];

    [JsonPropertyName("temperature")]
    public double? Temperature { get; set; }

    [JsonPropertyName("top_p")]
    public double? TopP { get; set; }

    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; set; }

    [JsonPropertyName("stream")]
    public bool? Stream { get; set; }

    [JsonPropertyName("stop")]
    public List<string>? Stop { get; set; }

    [JsonPropertyName("random_seed")]
    public int? RandomSeed { get; set; }

    [JsonPropertyName("response_format")]
    public ResponseFormat? ResponseFormat { get; set; }

    [JsonPropertyName("tools")]
    public List<Tool>? Tools { get; set; }

    /// <summary>"auto", "none", "any", "required", or a ToolChoice object naming one function.</summary>
    [JsonPropertyName("tool_choice")]
    public JsonElement? ToolChoice { get; set; }

    [JsonPropertyName("parallel_tool_calls")]
    public bool? ParallelToolCalls { get; set; }

    [JsonPropertyName("presence_penalty")]
    public double? PresencePenalty { get; set; }

    [JsonPropertyName("frequency_penalty")]
    public double? FrequencyPenalty { get; set; }

    [JsonPropertyName("safe_prompt")]
    public bool? SafePrompt { get; set; }

    /// <summary>The API's MistralPromptMode: "reasoning" gives reasoning models their reasoning system prompt.</summary>
    [JsonPropertyName("prompt_mode")]
    public string? PromptMode { get; set; }

    [JsonPropertyName("prediction")]
    public Prediction? Prediction { get; set; }
}

/// <summary>The API's ResponseFormat: "text", "json_object" or "json_schema" with a JsonSchema.</summary>
/// <summary>The API's Prediction: text the answer is expected to resemble (an edited file), which speeds up generating it.</summary>
public sealed class Prediction
{
    [JsonPropertyName("type")]
    public string Type { get; set; } = "content";

    [JsonPropertyName("content")]
    public string Content { get; set; } = "";
}

public sealed class ResponseFormat
{
    public const string Text = "text";
    public const string JsonObject = "json_object";
    public const string JsonSchemaType = "json_schema";

    [JsonPropertyName("type")]
    public string Type { get; set; } = Text;

    [JsonPropertyName("json_schema")]
    public JsonSchema? JsonSchema { get; set; }
}

/// <summary>The API's JsonSchema (name, schema, strict).</summary>
public sealed class JsonSchema
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "response";

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("schema")]
    public JsonElement Schema { get; set; }

    [JsonPropertyName("strict")]
    public bool? Strict { get; set; }
}

/// <summary>The API's Tool of type "function".</summary>
public sealed class Tool
{
    [JsonPropertyName("type")]
    public string Type { get; set; } = "function";

    [JsonPropertyName("function")]
    public FunctionDefinition Function { get; set; } = new();
}

/// <summary>The API's Function: a name, a description and JSON-schema parameters.</summary>
public sealed class FunctionDefinition
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("parameters")]
    public JsonElement Parameters { get; set; }

    [JsonPropertyName("strict")]
    public bool? Strict { get; set; }
}
