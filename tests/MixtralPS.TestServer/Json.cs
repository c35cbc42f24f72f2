using System.Text.Encodings.Web;
using System.Text.Json;
using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MixtralPS.TestServer;

/// <summary>Serializer settings shared by the server.</summary>
internal static class Json
{
    /// <summary>Wire output: UTF-8 kept as is, like the real API (so clients meet multi-byte text).</summary>
    public static readonly JsonSerializerOptions Wire = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Control API: camelCase, case-insensitive, scalars accepted where strings are expected.</summary>
    public static readonly JsonSerializerOptions Control = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new LenientStringConverter() },
    };

    // PowerShell hashtables turn @{ 'Retry-After' = 2 } into a JSON number; a header value is still meant.
    private sealed class LenientStringConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.Null => null,
            _ => throw new JsonException($"Expected a string, got {reader.TokenType}."),
        };

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    public static string Text(JsonNode? node) => node?.ToJsonString(Wire) ?? "null";

    public static async Task WriteAsync(HttpContext ctx, int status, JsonNode? body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(Text(body), ctx.RequestAborted);
    }

    public static async Task WriteControlAsync<T>(HttpContext ctx, T value)
    {
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(JsonSerializer.Serialize(value, Control), ctx.RequestAborted);
    }

    /// <summary>The Mistral error shape used for 4xx answers other than validation.</summary>
    public static JsonObject MistralError(string message, string type, string? code) => new()
    {
        ["object"] = "error",
        ["message"] = message,
        ["type"] = type,
        ["param"] = null,
        ["code"] = code,
    };
}
