using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace MixtralPS.TestServer;

/// <summary>The part of the OpenAPI file the validator needs, as plain JSON Schema: one $defs document plus each
/// operation's request-body schema. Parsing 35k lines of YAML dominates start-up, so the result is cached on disk,
/// keyed by the spec's content hash (a changed spec simply misses the cache).</summary>
internal static class SchemaBundle
{
    public const string DefsUri = "https://mixtralps.test/mistral-openapi";
    public const string Draft = "https://json-schema.org/draft/2020-12/schema";
    private const string FormatVersion = "1"; // bump when the conversion changes

    /// <returns>{"document": {$defs...}, "operations": [{"method","path","schema"}]}</returns>
    public static JsonObject Load(string specPath)
    {
        var bytes = File.ReadAllBytes(specPath);
        var hash = Convert.ToHexString(SHA256.HashData([.. bytes, .. Encoding.UTF8.GetBytes(FormatVersion)]))[..32];
        var cacheFile = Path.Combine(Path.GetTempPath(), "mixtralps-testserver", $"schemas-{hash}.json");
        try
        {
            if (File.Exists(cacheFile) && JsonNode.Parse(File.ReadAllText(cacheFile)) is JsonObject cached) return cached;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            // Unreadable or half-written cache: rebuild below.
        }

        var bundle = Build(specPath);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cacheFile)!);
            var temp = $"{cacheFile}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temp, bundle.ToJsonString());
            File.Move(temp, cacheFile, overwrite: true); // atomic, so parallel starts never read a partial file
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No writable temp directory: every start just pays the parse.
        }
        return bundle;
    }

    private static JsonObject Build(string specPath)
    {
        var spec = YamlToJson.Load(specPath) as JsonObject ?? throw new InvalidDataException($"{specPath} is not an OpenAPI object.");
        var components = spec["components"]?["schemas"] as JsonObject ?? throw new InvalidDataException($"{specPath} has no components.schemas.");
        var defs = new JsonObject(components.Select(p => KeyValuePair.Create(p.Key, OpenApiSchemaConverter.Convert(p.Value, "#/$defs/"))));

        var operations = new JsonArray();
        foreach (var (path, item) in spec["paths"] as JsonObject ?? [])
        {
            foreach (var (method, operation) in item as JsonObject ?? [])
            {
                var bodySchema = operation?["requestBody"]?["content"]?["application/json"]?["schema"];
                if (bodySchema is null) continue;
                operations.Add(new JsonObject
                {
                    ["method"] = method.ToUpperInvariant(),
                    ["path"] = path,
                    ["schema"] = OpenApiSchemaConverter.Convert(bodySchema, DefsUri + "#/$defs/") ?? new JsonObject(),
                });
            }
        }

        // Only schemas that request bodies can reach are kept: responses are not validated, and this halves compile time.
        var roots = operations.Select(o => o!["schema"]!).ToList();
        return new JsonObject
        {
            ["document"] = new JsonObject { ["$schema"] = Draft, ["$id"] = DefsUri, ["$defs"] = Reachable(defs, roots) },
            ["operations"] = operations,
        };
    }

    private static JsonObject Reachable(JsonObject defs, IEnumerable<JsonNode> roots)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<JsonNode?>(roots);
        while (pending.TryPop(out var node))
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (key, value) in obj)
                    {
                        if (key == "$ref" && value is JsonValue v && v.TryGetValue<string>(out var r))
                        {
                            var name = r[(r.LastIndexOf('/') + 1)..];
                            if (r.Contains("#/$defs/") && defs.ContainsKey(name) && seen.Add(name)) pending.Push(defs[name]);
                        }
                        else pending.Push(value);
                    }
                    break;
                case JsonArray array:
                    foreach (var item in array) pending.Push(item);
                    break;
            }
        }
        return new JsonObject(seen.Select(n => KeyValuePair.Create(n, defs[n]?.DeepClone())));
    }
}
