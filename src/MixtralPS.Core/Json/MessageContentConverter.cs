using System.Text.Json;
using System.Text.Json.Serialization;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Json;

/// <summary>
/// Message content is a string, null, or an array of content chunks (in requests with images or documents, in
/// answers and stream deltas of reasoning and vision models). Text chunks make the message's text; every chunk is
/// kept, so that what came is what goes back.
/// </summary>
public sealed class MessageContentConverter : JsonConverter<MessageContent>
{
    public override bool HandleNull => true;

    public override MessageContent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return default;
            case JsonTokenType.String:
                return new MessageContent(reader.GetString(), null);
            case JsonTokenType.StartArray:
                using (var doc = JsonDocument.ParseValue(ref reader))
                {
                    var parts = ContentChunkReader.ReadArray(doc.RootElement);
                    return new MessageContent(string.Concat(parts.OfType<TextChunk>().Select(t => t.Text)), parts);
                }

            default:
                throw new JsonException($"Message content must be a string, null or an array of chunks, not {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, MessageContent value, JsonSerializerOptions options)
    {
        if (value.Parts is { } parts)
        {
            ContentChunkReader.Write(writer, parts);
        }
        else if (value.Text is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value.Text);
        }
    }
}
