using System.Text.Json.Serialization;

namespace MixtralPS.Core.Models;

/// <summary>The API's EmbeddingRequest.</summary>
public sealed class EmbeddingRequest
{
    [JsonPropertyName("model")]
    public string Model { get; set; } = "mistral-embed";

    [JsonPropertyName("input")]
    public List<string> Input { get; set; } = [];

    [JsonPropertyName("output_dimension")]
    public int? OutputDimension { get; set; }
}

/// <summary>The API's EmbeddingResponse.</summary>
public sealed class EmbeddingResponse : ResponseBase
{
    [JsonPropertyName("data")]
    public List<EmbeddingResponseData> Data { get; set; } = [];
}

/// <summary>The API's EmbeddingResponseData.</summary>
public sealed class EmbeddingResponseData
{
    [JsonPropertyName("object")]
    public string? Object { get; set; }

    [JsonPropertyName("embedding")]
    public float[] Embedding { get; set; } = [];

    [JsonPropertyName("index")]
    public int Index { get; set; }
}
