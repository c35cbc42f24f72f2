using System.Text.Json;
using System.Text.Json.Nodes;

namespace MixtralPS.TestServer;

/// <summary>/_test/* — lets out-of-process tests (Pester) script and inspect the server over HTTP.</summary>
internal static class ControlEndpoints
{
    public static async Task HandleAsync(HttpContext ctx, MockMistralServer server)
    {
        var route = $"{ctx.Request.Method.ToUpperInvariant()} {ctx.Request.Path.Value!.TrimEnd('/').ToLowerInvariant()}";
        switch (route)
        {
            case "POST /_test/reset":
                server.Reset();
                await Json.WriteControlAsync(ctx, new { ok = true });
                break;
            case "POST /_test/replies":
                var replies = await ReadAsync(ctx, ParseReplies);
                if (replies is null) return;
                server.Enqueue(replies);
                await Json.WriteControlAsync(ctx, new { queued = replies.Count });
                break;
            case "POST /_test/config":
                var config = await ReadAsync(ctx, text => JsonNode.Parse(text) as JsonObject ?? throw new JsonException("expected an object"));
                if (config is null) return;
                var key = config.FirstOrDefault(p => p.Key.Equals("apiKey", StringComparison.OrdinalIgnoreCase)).Value;
                server.RequiredApiKey = key?.GetValue<string>() is { Length: > 0 } k ? k : null;
                await Json.WriteControlAsync(ctx, new { apiKey = server.RequiredApiKey });
                break;
            case "GET /_test/requests":
                await Json.WriteControlAsync(ctx, server.Requests);
                break;
            case "GET /_test/stats":
                await Json.WriteControlAsync(ctx, new { maxInFlight = server.MaxInFlight });
                break;
            case "GET /_test/violations":
                await Json.WriteControlAsync(ctx, server.Violations);
                break;
            default:
                await Json.WriteAsync(ctx, 404, new JsonObject { ["detail"] = $"No control route {route}" });
                break;
        }
    }

    // Accepts one reply object or an array of them.
    private static List<ScriptedReply> ParseReplies(string text)
    {
        var node = JsonNode.Parse(text);
        var items = node is JsonArray array ? array.ToList() : [node];
        return items.Select(i => i.Deserialize<ScriptedReply>(Json.Control) ?? throw new JsonException("null reply")).ToList();
    }

    private static async Task<T?> ReadAsync<T>(HttpContext ctx, Func<string, T> parse) where T : class
    {
        using var reader = new StreamReader(ctx.Request.Body);
        var text = await reader.ReadToEndAsync(ctx.RequestAborted);
        try
        {
            return parse(text);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            await Json.WriteAsync(ctx, 400, new JsonObject { ["detail"] = $"Bad control body: {ex.Message}" });
            return null;
        }
    }
}
