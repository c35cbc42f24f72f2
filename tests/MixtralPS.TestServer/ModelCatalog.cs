using System.Text.Json.Nodes;

namespace MixtralPS.TestServer;

/// <summary>The fixed model list the server reports (BaseModelCard shape), including one retired model.</summary>
internal static class ModelCatalog
{
    public const string RetiredModel = "open-mixtral-8x22b";

    private sealed record Card(string Id, string Name, int Context, bool Chat, bool Tools, bool Fim, bool Vision,
        string[] Aliases, string? Deprecation = null, string? Replacement = null, double? Temperature = 0.3);

    private static readonly Card[] Cards =
    [
        new("mistral-small-latest", "mistral-small-2506", 131072, Chat: true, Tools: true, Fim: false, Vision: true, ["mistral-small-2506"]),
        new("mistral-large-latest", "mistral-large-2411", 131072, Chat: true, Tools: true, Fim: false, Vision: false, ["mistral-large-2411"]),
        new("mistral-embed", "mistral-embed", 8192, Chat: false, Tools: false, Fim: false, Vision: false, ["mistral-embed-2312"], Temperature: null),
        new("open-mistral-nemo", "open-mistral-nemo", 131072, Chat: true, Tools: true, Fim: false, Vision: false, ["open-mistral-nemo-2407"]),
        new("codestral-latest", "codestral-2508", 256000, Chat: true, Tools: true, Fim: true, Vision: false, ["codestral-2508"]),
        new(RetiredModel, RetiredModel, 65536, Chat: true, Tools: true, Fim: false, Vision: false, [],
            Deprecation: "2025-03-30T00:00:00Z", Replacement: "mistral-small-latest", Temperature: 0.7),
    ];

    /// <summary>Embedding models and their default vector size.</summary>
    public static readonly IReadOnlyDictionary<string, int> EmbeddingDimensions =
        new Dictionary<string, int>(StringComparer.Ordinal) { ["mistral-embed"] = 1024 };

    public static bool IsRetired(string model) => model == RetiredModel;

    public static JsonObject List() => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray(Cards.Select(c => (JsonNode)ToJson(c)).ToArray()),
    };

    public static JsonObject? Find(string id) =>
        Cards.FirstOrDefault(c => c.Id == id || c.Aliases.Contains(id)) is { } card ? ToJson(card) : null;

    private static JsonObject ToJson(Card c) => new()
    {
        ["id"] = c.Id,
        ["object"] = "model",
        ["created"] = 1756746619,
        ["owned_by"] = "mistralai",
        ["capabilities"] = new JsonObject
        {
            ["completion_chat"] = c.Chat,
            ["function_calling"] = c.Tools,
            ["reasoning"] = false,
            ["completion_fim"] = c.Fim,
            ["fine_tuning"] = c.Chat,
            ["vision"] = c.Vision,
            ["ocr"] = false,
            ["classification"] = false,
            ["moderation"] = false,
            ["audio"] = false,
            ["audio_transcription"] = false,
        },
        ["name"] = c.Name,
        ["description"] = $"{c.Id} (test server)",
        ["max_context_length"] = c.Context,
        ["aliases"] = new JsonArray(c.Aliases.Select(a => (JsonNode)a).ToArray()),
        ["deprecation"] = c.Deprecation,
        ["deprecation_replacement_model"] = c.Replacement,
        ["default_model_temperature"] = c.Temperature,
        ["type"] = "base",
    };
}
