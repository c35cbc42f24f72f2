using System.Text.Json.Nodes;

namespace MixtralPS.TestServer;

/// <summary>Turns OpenAPI 3.1 schema objects into plain JSON Schema 2020-12: keeps only validation keywords
/// (OpenAPI extras such as discriminator, example or x-* are dropped so they cannot upset the validator)
/// and points component references at a $defs document.</summary>
internal static class OpenApiSchemaConverter
{
    private const string ComponentPrefix = "#/components/schemas/";

    // Validation and structure keywords of draft 2020-12; annotations (title, description, examples...) are dropped.
    private static readonly HashSet<string> Kept =
    [
        "$id", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor", "$defs",
        "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "prefixItems", "items",
        "contains", "properties", "patternProperties", "additionalProperties", "propertyNames",
        "unevaluatedItems", "unevaluatedProperties", "type", "enum", "const", "multipleOf", "maximum",
        "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems",
        "minItems", "uniqueItems", "maxContains", "minContains", "maxProperties", "minProperties", "required",
        "dependentRequired", "format",
    ];

    private static readonly HashSet<string> SchemaMaps = ["properties", "patternProperties", "$defs", "dependentSchemas"];
    private static readonly HashSet<string> SchemaLists = ["allOf", "anyOf", "oneOf", "prefixItems"];

    /// <param name="refBase">What replaces "#/components/schemas/" (e.g. "#/$defs/" or an absolute URI + "#/$defs/").</param>
    public static JsonNode? Convert(JsonNode? schema, string refBase)
    {
        if (schema is not JsonObject obj) return schema?.DeepClone(); // true/false schemas
        var result = new JsonObject();
        foreach (var (key, value) in obj)
        {
            if (!Kept.Contains(key)) continue;
            result[key] = key switch
            {
                "$ref" when value is JsonValue v && v.TryGetValue<string>(out var r) =>
                    r.StartsWith(ComponentPrefix, StringComparison.Ordinal) ? refBase + r[ComponentPrefix.Length..] : r,
                _ when SchemaMaps.Contains(key) && value is JsonObject map =>
                    new JsonObject(map.Select(p => KeyValuePair.Create(p.Key, Convert(p.Value, refBase)))),
                _ when SchemaLists.Contains(key) && value is JsonArray list =>
                    new JsonArray(list.Select(s => Convert(s, refBase)).ToArray()),
                "enum" or "const" or "type" or "required" or "dependentRequired" => value?.DeepClone(),
                _ when value is JsonObject or JsonValue { } && IsSchemaValued(key) => Convert(value, refBase),
                _ => value?.DeepClone(),
            };
        }
        return result;
    }

    private static bool IsSchemaValued(string key) => key is "not" or "if" or "then" or "else" or "items" or "contains"
        or "additionalProperties" or "propertyNames" or "unevaluatedItems" or "unevaluatedProperties";
}
