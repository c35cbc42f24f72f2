using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MixtralPS.TestServer;

/// <summary>What the default (unscripted) assistant says, and how text is cut into stream pieces and counted.</summary>
internal static partial class ChatContent
{
    public static string DefaultReply(JsonObject request)
    {
        var echo = "Echo: " + LastUserText(request);
        var format = request["response_format"];
        return (format?["type"]?.GetValue<string>()) switch
        {
            "json_object" => Json.Text(new JsonObject { ["echo"] = echo }),
            "json_schema" => Json.Text(FillSchema(format["json_schema"]?["schema"], echo)),
            _ => echo,
        };
    }

    /// <summary>"Hello world" → "Hello", " world": leading whitespace stays with the next word.</summary>
    public static List<string> Tokenize(string text)
    {
        var pieces = WordPattern().Matches(text).Select(m => m.Value).ToList();
        var consumed = pieces.Sum(p => p.Length);
        if (consumed < text.Length)
        {
            if (pieces.Count == 0) pieces.Add(text);
            else pieces[^1] += text[consumed..]; // trailing whitespace
        }
        return pieces;
    }

    public static int CountPromptWords(JsonObject request)
    {
        var words = 0;
        foreach (var message in request["messages"] as JsonArray ?? [])
            words += WhitespacePattern().Split(TextOf(message?["content"])).Count(w => w.Length > 0);
        return words;
    }

    public static string TextOf(JsonNode? content) => content switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonArray parts => string.Concat(parts.Select(p => p?["type"]?.GetValue<string>() is null or "text" ? p?["text"]?.GetValue<string>() : null)),
        _ => "",
    };

    private static string LastUserText(JsonObject request)
    {
        var last = (request["messages"] as JsonArray ?? []).LastOrDefault(m => m?["role"]?.GetValue<string>() == "user");
        return TextOf(last?["content"]);
    }

    // An object with every declared property, typed as declared; the echo goes in the first string property.
    private static JsonObject FillSchema(JsonNode? schema, string echo)
    {
        var result = new JsonObject();
        var echoed = false;
        foreach (var (name, property) in schema?["properties"] as JsonObject ?? [])
        {
            if (property?["enum"] is JsonArray { Count: > 0 } choices)
            {
                result[name] = choices[0]?.DeepClone(); // "x" would break an enum
                continue;
            }
            var type = TypeOf(property);
            if (type == "string" && !echoed)
            {
                result[name] = echo;
                echoed = true;
                continue;
            }
            result[name] = type switch
            {
                "string" => "x",
                "integer" => 1,
                "number" => 1.5,
                "boolean" => true,
                "array" => new JsonArray(),
                "object" => new JsonObject(),
                _ => null,
            };
        }
        return result;
    }

    private static string? TypeOf(JsonNode? property) => property?["type"] switch
    {
        JsonValue v when v.TryGetValue<string>(out var t) => t,
        JsonArray types => types.Select(t => t?.GetValue<string>()).FirstOrDefault(t => t is not null and not "null"),
        _ => null,
    };

    [GeneratedRegex(@"\s*\S+")]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespacePattern();
}
