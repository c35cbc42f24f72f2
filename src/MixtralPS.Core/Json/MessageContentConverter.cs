using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MixtralPS.Core.Json;

/// <summary>
/// Message content is a string, null, or an array of content chunks. Requests always send a string;
/// responses from some models (reasoning, vision) send chunks, of which the text chunks are the answer.
/// </summary>
public sealed class MessageContentConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartArray:
                using (var doc = JsonDocument.ParseValue(ref reader))
                {
                    var text = new StringBuilder();
                    foreach (var chunk in doc.RootElement.EnumerateArray())
                    {
                        if (chunk.ValueKind == JsonValueKind.String)
                        {
                            text.Append(chunk.GetString());
                        }
                        else if (chunk.ValueKind == JsonValueKind.Object
                            && chunk.TryGetProperty("type", out var type) && type.ValueEquals("text")
                            && chunk.TryGetProperty("text", out var part) && part.ValueKind == JsonValueKind.String)
                        {
                            text.Append(part.GetString());
                        }
                    }

                    return text.ToString();
                }

            default:
                throw new JsonException($"Message content must be a string, null or an array of chunks, not {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
