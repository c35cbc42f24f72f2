using System.Text.Json.Nodes;

namespace MixtralPS.Bench.Chat;

/// <summary>One scripted streamed answer: how many content chunks and how long the server waits between them.</summary>
internal sealed record ChatScenario(string Name, int Tokens, int ChunkDelayMs)
{
    public const string Question = "Name the tallest mountain in the Alps and say why it is hard to climb.";

    // Short word-like pieces, as a model's tokens are; varied so no layer can cache a single string.
    private static readonly string[] Words =
        ["The", " summit", " of", " Mont", " Blanc", " is", " 4", "806", " m", ",", " and", " its", " weather", " turns", " fast", "."];

    public string[] Chunks { get; } = Enumerable.Range(0, Tokens).Select(i => Words[i % Words.Length]).ToArray();

    public string Content => string.Concat(Chunks);

    /// <summary>The test server's ScriptedReply (camelCase JSON), answering every request until the next reset.</summary>
    public JsonObject ToScriptedReply() => new()
    {
        ["path"] = "/v1/chat/completions",
        ["chunks"] = new JsonArray(Chunks.Select(c => (JsonNode)JsonValue.Create(c)).ToArray()),
        ["chunkDelayMs"] = ChunkDelayMs,
        ["repeat"] = 0,
    };
}
