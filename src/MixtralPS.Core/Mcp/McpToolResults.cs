using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using MixtralPS.Core.Rag;

namespace MixtralPS.Core.Mcp;

/// <summary>The index tools' answers: text a model reads, and the same as structured content a program reads.</summary>
internal static class McpToolResults
{
    /// <summary>What search's structured content holds (clients check the content against it).</summary>
    public const string SearchOutputSchema = """
        {"type":"object","properties":{
          "query":{"type":"string"},
          "results":{"type":"array","items":{"type":"object","properties":{
            "rank":{"type":"integer"},"source":{"type":"string"},"score":{"type":"number"},"text":{"type":"string"},
            "ordinal":{"type":"integer"},"start":{"type":"integer"},"length":{"type":"integer"},"page":{"type":"integer"},
            "heading":{"type":"string"},"chunkId":{"type":"integer"}},
            "required":["rank","source","score","text","ordinal","start","length","chunkId"]}}},
         "required":["query","results"]}
        """;

    public static CallToolResult Error(string message) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = message }],
    };

    public static CallToolResult SearchResult(string query, IReadOnlyList<RagContextChunk> chunks)
    {
        var text = new StringBuilder();
        foreach (var chunk in chunks)
        {
            text.Append(CultureInfo.InvariantCulture, $"[{chunk.Rank}] {chunk.Source}{PageNote(chunk)} (score {chunk.Score:0.####}, chunk {chunk.Ordinal})\n{chunk.Text}\n\n");
        }

        var structured = Json(w =>
        {
            w.WriteString("query", query);
            w.WriteStartArray("results");
            foreach (var chunk in chunks)
            {
                w.WriteStartObject();
                w.WriteNumber("rank", chunk.Rank);
                w.WriteString("source", chunk.Source);
                w.WriteNumber("score", Math.Round((double)chunk.Score, 6));
                WriteChunk(w, chunk);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
        return Result(chunks.Count == 0 ? "No chunks matched." : text.ToString().TrimEnd(), structured);
    }

    /// <summary>The document's text put back together: overlapping chunks are cut where the previous one ended.</summary>
    public static CallToolResult DocumentText(string source, IReadOnlyList<RagContextChunk> chunks)
    {
        var text = new StringBuilder();
        var end = 0;
        foreach (var chunk in chunks)
        {
            if (chunk.Start < end && chunk.Start + chunk.Length > end)
            {
                text.Append(chunk.Text.AsSpan(end - chunk.Start));
            }
            else
            {
                // A gap (whitespace the chunker trimmed) or offsets that start again (another page) keep the chunks apart.
                text.Append(text.Length > 0 && chunk.Start != end ? "\n" : "").Append(chunk.Text);
            }

            end = chunk.Start + chunk.Length;
        }

        var structured = Json(w =>
        {
            w.WriteString("source", source);
            w.WriteNumber("chunkCount", chunks.Count);
            w.WriteString("text", text.ToString());
        });
        return Result(text.ToString(), structured);
    }

    public static CallToolResult DocumentChunks(string source, IReadOnlyList<RagContextChunk> chunks)
    {
        var text = new StringBuilder();
        foreach (var chunk in chunks)
        {
            text.Append(CultureInfo.InvariantCulture, $"[chunk {chunk.Ordinal}{PageNote(chunk)}, characters {chunk.Start}-{chunk.Start + chunk.Length}]\n{chunk.Text}\n\n");
        }

        var structured = Json(w =>
        {
            w.WriteString("source", source);
            w.WriteStartArray("chunks");
            foreach (var chunk in chunks)
            {
                w.WriteStartObject();
                WriteChunk(w, chunk);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
        return Result(text.ToString().TrimEnd(), structured);
    }

    public static CallToolResult SourceList(IReadOnlyList<StoredDocument> matching, int offset, int limit)
    {
        var page = matching.Skip(offset).Take(limit).ToList();
        int? next = offset + page.Count < matching.Count ? offset + page.Count : null;
        var text = new StringBuilder();
        foreach (var document in page)
        {
            text.Append(CultureInfo.InvariantCulture, $"{document.Source} ({document.ChunkCount} chunks)\n");
        }

        text.Append(page.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"No sources (of {matching.Count} matching) from offset {offset}.")
            : string.Create(CultureInfo.InvariantCulture, $"Sources {offset + 1}-{offset + page.Count} of {matching.Count}") +
              (next is { } n ? string.Create(CultureInfo.InvariantCulture, $"; the next page starts at offset {n}.") : "."));
        var structured = Json(w =>
        {
            w.WriteNumber("total", matching.Count);
            w.WriteNumber("offset", offset);
            if (next is { } n)
            {
                w.WriteNumber("nextOffset", n);
            }

            w.WriteStartArray("sources");
            foreach (var document in page)
            {
                w.WriteStartObject();
                w.WriteString("source", document.Source);
                w.WriteNumber("chunks", document.ChunkCount);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
        return Result(text.ToString(), structured);
    }

    private static void WriteChunk(Utf8JsonWriter w, RagContextChunk chunk)
    {
        w.WriteString("text", chunk.Text);
        w.WriteNumber("ordinal", chunk.Ordinal);
        w.WriteNumber("start", chunk.Start);
        w.WriteNumber("length", chunk.Length);
        if (chunk.Page is { } page)
        {
            w.WriteNumber("page", page);
        }

        if (chunk.Heading is { } heading)
        {
            w.WriteString("heading", heading);
        }

        w.WriteNumber("chunkId", chunk.ChunkId);
    }

    private static string PageNote(RagContextChunk chunk) =>
        (chunk.Heading is { } heading ? $", {heading}" : "") + (chunk.Page is { } page ? $", page {page}" : "");

    private static CallToolResult Result(string text, JsonElement structured) => new()
    {
        Content = [new TextContentBlock { Text = text }],
        StructuredContent = structured,
    };

    private static JsonElement Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }
}
