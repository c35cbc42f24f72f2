using System.Text.Json;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Chat;

/// <summary>How the model should answer: the sampling settings and output form of one chat turn.</summary>
public sealed class ChatOptions
{
    public required string Model { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public int? MaxTokens { get; init; }

    public int? RandomSeed { get; init; }

    public bool SafePrompt { get; init; }

    public IReadOnlyList<string>? Stop { get; init; }

    /// <summary>Ask for a JSON object (json_object mode).</summary>
    public bool JsonObject { get; init; }

    /// <summary>Ask for JSON matching this schema (json_schema mode); takes precedence over <see cref="JsonObject"/>.</summary>
    public JsonElement? JsonSchema { get; init; }

    public string JsonSchemaName { get; init; } = "response";

    public IReadOnlyList<Tool>? Tools { get; init; }

    public JsonElement? ToolChoice { get; init; }

    public bool? ParallelToolCalls { get; init; }

    /// <summary>"reasoning" for reasoning models' own system prompt (the API's prompt_mode); null leaves it out.</summary>
    public string? PromptMode { get; init; }

    /// <summary>Text the answer is expected to resemble, such as the file being edited (the API's prediction).</summary>
    public string? Prediction { get; init; }

    public bool WantsJson => JsonObject || JsonSchema is not null;

    public ChatCompletionRequest ToRequest(IEnumerable<ChatMessage> messages) => new()
    {
        Model = Model,
        Messages = messages.ToList(),
        Temperature = Temperature,
        TopP = TopP,
        MaxTokens = MaxTokens,
        RandomSeed = RandomSeed,
        SafePrompt = SafePrompt ? true : null,
        Stop = Stop is { Count: > 0 } ? Stop.ToList() : null,
        ResponseFormat = JsonSchema is { } schema
            ? new ResponseFormat
            {
                Type = ResponseFormat.JsonSchemaType,
                JsonSchema = new Models.JsonSchema { Name = JsonSchemaName, Schema = schema, Strict = true },
            }
            : JsonObject ? new ResponseFormat { Type = ResponseFormat.JsonObject } : null,
        Tools = Tools is { Count: > 0 } ? Tools.ToList() : null,
        ToolChoice = ToolChoice,
        ParallelToolCalls = ParallelToolCalls,
        PromptMode = PromptMode,
        Prediction = Prediction is null ? null : new Prediction { Content = Prediction },
    };
}
