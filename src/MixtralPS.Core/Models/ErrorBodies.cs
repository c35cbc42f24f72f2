using System.Text.Json;
using System.Text.Json.Serialization;

namespace MixtralPS.Core.Models;

/// <summary>
/// Both error bodies the API sends: {"object":"error","message",...,"code"} and the
/// validation form {"detail":[{"loc","msg","type"}]} (detail may also be a plain string).
/// </summary>
public sealed class ErrorBody
{
    [JsonPropertyName("object")]
    public string? Object { get; set; }

    [JsonPropertyName("message")]
    public JsonElement? Message { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("param")]
    public string? Param { get; set; }

    [JsonPropertyName("code")]
    public JsonElement? Code { get; set; }

    [JsonPropertyName("detail")]
    public JsonElement? Detail { get; set; }

    [JsonPropertyName("request_id")]
    public string? RequestId { get; set; }

    /// <summary>OpenAI-compatible servers (vLLM, Ollama) nest the same fields under "error".</summary>
    [JsonPropertyName("error")]
    public JsonElement? Error { get; set; }
}

/// <summary>One item of a validation error's detail list.</summary>
public sealed class ValidationErrorItem
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("loc")]
    public List<JsonElement>? Loc { get; set; }

    [JsonPropertyName("msg")]
    public string? Msg { get; set; }
}
