using System.Text.Json;
using System.Text.Json.Serialization;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Json;

/// <summary>
/// Source-generated serialisation for every wire type. Nulls are not written because the API's
/// request schemas are closed (additionalProperties: false) and treat unknown or null fields strictly.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(ChatCompletionResponse))]
[JsonSerializable(typeof(CompletionChunk))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelCard))]
[JsonSerializable(typeof(EmbeddingRequest))]
[JsonSerializable(typeof(EmbeddingResponse))]
[JsonSerializable(typeof(OcrRequest))]
[JsonSerializable(typeof(OcrResponse))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(List<ValidationErrorItem>))]
[JsonSerializable(typeof(List<ChatMessage>))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(ToolChoice))]
[JsonSerializable(typeof(string))]
public sealed partial class MistralJsonContext : JsonSerializerContext
{
}
