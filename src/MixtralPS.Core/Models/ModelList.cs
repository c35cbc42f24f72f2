using System.Text.Json.Serialization;

namespace MixtralPS.Core.Models;

/// <summary>The API's ModelList.</summary>
public sealed class ModelList
{
    [JsonPropertyName("object")]
    public string? Object { get; set; }

    [JsonPropertyName("data")]
    public List<ModelCard> Data { get; set; } = [];
}

/// <summary>The API's BaseModelCard / FTModelCard, read leniently (self-hosted servers fill fewer fields).</summary>
public sealed class ModelCard
{
    [JsonPropertyName("id")]
    public string Id { get; set; } = "";

    [JsonPropertyName("object")]
    public string? Object { get; set; }

    [JsonPropertyName("created")]
    public long? Created { get; set; }

    [JsonPropertyName("owned_by")]
    public string? OwnedBy { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("description")]
    public string? Description { get; set; }

    [JsonPropertyName("max_context_length")]
    public int? MaxContextLength { get; set; }

    [JsonPropertyName("aliases")]
    public List<string>? Aliases { get; set; }

    [JsonPropertyName("deprecation")]
    public DateTimeOffset? Deprecation { get; set; }

    [JsonPropertyName("deprecation_replacement_model")]
    public string? DeprecationReplacementModel { get; set; }

    [JsonPropertyName("default_model_temperature")]
    public double? DefaultModelTemperature { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("capabilities")]
    public ModelCapabilities Capabilities { get; set; } = new();

    /// <summary>Whether the model was retired on or before <paramref name="now"/>.</summary>
    public bool IsRetired(DateTimeOffset now) => Deprecation is { } d && d <= now;

    public override string ToString() => Id;
}

/// <summary>The API's ModelCapabilities (the ones a shell user chooses by).</summary>
public sealed class ModelCapabilities
{
    [JsonPropertyName("completion_chat")]
    public bool CompletionChat { get; set; }

    [JsonPropertyName("function_calling")]
    public bool FunctionCalling { get; set; }

    [JsonPropertyName("completion_fim")]
    public bool CompletionFim { get; set; }

    [JsonPropertyName("fine_tuning")]
    public bool FineTuning { get; set; }

    [JsonPropertyName("vision")]
    public bool Vision { get; set; }

    [JsonPropertyName("reasoning")]
    public bool Reasoning { get; set; }

    [JsonPropertyName("classification")]
    public bool Classification { get; set; }

    [JsonPropertyName("moderation")]
    public bool Moderation { get; set; }

    [JsonPropertyName("ocr")]
    public bool Ocr { get; set; }

    [JsonPropertyName("audio")]
    public bool Audio { get; set; }
}
