using System.Text.Json;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Json;

/// <summary>Reads and writes the API's ContentChunk union by its "type"; unknown types pass through whole.</summary>
internal static class ContentChunkReader
{
    public static List<ContentChunk> ReadArray(JsonElement array)
    {
        var chunks = new List<ContentChunk>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            chunks.Add(Read(item));
        }

        return chunks;
    }

    public static ContentChunk Read(JsonElement item)
    {
        if (item.ValueKind == JsonValueKind.String)
        {
            // Some servers send bare strings inside content arrays.
            return new TextChunk(item.GetString()!);
        }

        var type = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        return type switch
        {
            "text" when String(item, "text") is { } text => new TextChunk(text),
            "image_url" when item.TryGetProperty("image_url", out var image) => image.ValueKind == JsonValueKind.String
                ? new ImageUrlChunk(image.GetString()!)
                : new ImageUrlChunk(String(image, "url") ?? "", String(image, "detail")),
            "document_url" when String(item, "document_url") is { } url => new DocumentUrlChunk(url, String(item, "document_name")),
            "thinking" when item.TryGetProperty("thinking", out var thinking) && thinking.ValueKind == JsonValueKind.Array =>
                new ThinkChunk(ReadArray(thinking), String(item, "signature"),
                    item.TryGetProperty("closed", out var closed) && closed.ValueKind is JsonValueKind.True or JsonValueKind.False ? closed.GetBoolean() : null),
            "reference" when item.TryGetProperty("reference_ids", out var ids) && ids.ValueKind == JsonValueKind.Array =>
                new ReferenceChunk(ids.EnumerateArray().Select(i => i.Clone()).ToList()),
            _ => new UnknownChunk(type, item.Clone()),
        };
    }

    public static void Write(Utf8JsonWriter writer, IEnumerable<ContentChunk> chunks)
    {
        writer.WriteStartArray();
        foreach (var chunk in chunks)
        {
            Write(writer, chunk);
        }

        writer.WriteEndArray();
    }

    private static void Write(Utf8JsonWriter writer, ContentChunk chunk)
    {
        if (chunk is UnknownChunk unknown)
        {
            unknown.Raw.WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("type", chunk.Type);
        switch (chunk)
        {
            case TextChunk text:
                writer.WriteString("text", text.Text);
                break;
            case ImageUrlChunk image when image.Detail is null:
                writer.WriteString("image_url", image.Url);
                break;
            case ImageUrlChunk image:
                writer.WriteStartObject("image_url");
                writer.WriteString("url", image.Url);
                writer.WriteString("detail", image.Detail);
                writer.WriteEndObject();
                break;
            case DocumentUrlChunk document:
                writer.WriteString("document_url", document.Url);
                if (document.DocumentName is not null)
                {
                    writer.WriteString("document_name", document.DocumentName);
                }

                break;
            case ThinkChunk think:
                writer.WritePropertyName("thinking");
                Write(writer, think.Thinking);
                if (think.Signature is not null)
                {
                    writer.WriteString("signature", think.Signature);
                }

                if (think.Closed is { } closed)
                {
                    writer.WriteBoolean("closed", closed);
                }

                break;
            case ReferenceChunk references:
                writer.WriteStartArray("reference_ids");
                foreach (var id in references.ReferenceIds)
                {
                    id.WriteTo(writer);
                }

                writer.WriteEndArray();
                break;
        }

        writer.WriteEndObject();
    }

    private static string? String(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
