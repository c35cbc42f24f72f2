using System.Text.Json;
using System.Text.Json.Serialization;

namespace MixtralPS.Core.Json;

/// <summary>
/// Tool-call arguments arrive either as a JSON string or as an object; both are kept as JSON text,
/// and written back as a string, the form every server accepts.
/// </summary>
public sealed class RawJsonOrStringConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString() ?? "";
        }

        using var doc = JsonDocument.ParseValue(ref reader);
        return doc.RootElement.GetRawText();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);
}
