using System.Text.Json.Nodes;

namespace MixtralPS.TestServer;

/// <summary>A canned answer queued by a test (JSON camelCase). Everything is optional; unset parts are generated.</summary>
public sealed class ScriptedReply
{
    /// <summary>Endpoint it answers; each path has its own FIFO queue.</summary>
    public string Path { get; set; } = "/v1/chat/completions";
    public int Status { get; set; } = 200;
    public Dictionary<string, string>? Headers { get; set; }
    /// <summary>Raw body sent as-is (error bodies, malformed JSON); suppresses all generation.</summary>
    public string? Body { get; set; }
    public string ContentType { get; set; } = "application/json";
    public string? Content { get; set; }
    /// <summary>Stream pieces; default is word-like tokens of <see cref="Content"/>.</summary>
    public string[]? Chunks { get; set; }
    public List<ScriptedToolCall>? ToolCalls { get; set; }
    public string? FinishReason { get; set; }
    public string? Model { get; set; }
    public ScriptedUsage? Usage { get; set; }
    public int DelayMs { get; set; }
    public int ChunkDelayMs { get; set; }
    /// <summary>Abort the connection after this many SSE data events (flushed first).</summary>
    public int? CutAfterChunks { get; set; }
    /// <summary>Sent verbatim as a text/event-stream body.</summary>
    public string? RawSse { get; set; }
    /// <summary>/v1/ocr: the Markdown of each page, in order (default: derived from the document).</summary>
    public string[]? Pages { get; set; }
    /// <summary>How many requests this reply answers; 0 or less means every request from now on.</summary>
    public int Repeat { get; set; } = 1;
}

public sealed class ScriptedToolCall
{
    public string? Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>A JSON string; an object is accepted too and sent serialised.</summary>
    public JsonNode? Arguments { get; set; }
    /// <summary>Send the arguments as a JSON object rather than a string (the API allows both).</summary>
    public bool ArgumentsAsObject { get; set; }

    internal string ArgumentsText => Arguments switch
    {
        null => "{}",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        var other => other.ToJsonString(),
    };

    internal JsonNode ArgumentsJson => ArgumentsAsObject && ParseObject(ArgumentsText) is { } o ? o : JsonValue.Create(ArgumentsText);

    private static JsonObject? ParseObject(string text)
    {
        try { return JsonNode.Parse(text) as JsonObject; }
        catch (System.Text.Json.JsonException) { return null; }
    }
}

public sealed class ScriptedUsage
{
    public int? PromptTokens { get; set; }
    public int? CompletionTokens { get; set; }
}
