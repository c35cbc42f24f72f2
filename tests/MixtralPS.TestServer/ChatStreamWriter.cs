using System.Text.Json.Nodes;

namespace MixtralPS.TestServer;

/// <summary>Server-sent events the way Mistral streams a chat: a role chunk, one chunk per piece of content,
/// a last chunk with finish_reason, usage (and any tool calls, whole, in one delta), then "data: [DONE]".</summary>
internal static class ChatStreamWriter
{
    internal const int AbortGraceMs = 150;

    public static async Task WriteAsync(HttpContext ctx, int status, ChatEndpoint.Answer a, int chunkDelayMs, int? cutAfter)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/event-stream";
        ctx.Response.Headers.CacheControl = "no-cache";

        var events = new List<JsonObject> { Chunk(a, new JsonObject { ["role"] = "assistant", ["content"] = "" }, null, null) };
        events.AddRange(a.Pieces.Select(p => Chunk(a, new JsonObject { ["content"] = p }, null, null)));
        var last = new JsonObject { ["content"] = "" };
        if (a.ToolCalls.Count > 0) last["tool_calls"] = new JsonArray(a.ToolCalls.Select(t => (JsonNode)t.DeepClone()).ToArray());
        events.Add(Chunk(a, last, a.FinishReason, a.Usage));

        var sent = 0;
        foreach (var e in events)
        {
            if (cutAfter is { } limit && sent >= limit) break;
            if (sent > 0 && chunkDelayMs > 0) await Task.Delay(chunkDelayMs, ctx.RequestAborted);
            await SendAsync(ctx, Json.Text(e));
            sent++;
        }
        if (cutAfter is not null)
        {
            // Simulates a dropped connection: the client has the flushed events but never sees [DONE].
            // Kestrel's abort discards output still queued for the socket, so give it a moment to leave first.
            await Task.Delay(AbortGraceMs, ctx.RequestAborted);
            ctx.Abort();
            return;
        }
        if (chunkDelayMs > 0) await Task.Delay(chunkDelayMs, ctx.RequestAborted);
        await SendAsync(ctx, "[DONE]");
    }

    private static async Task SendAsync(HttpContext ctx, string data)
    {
        await ctx.Response.WriteAsync($"data: {data}\n\n", ctx.RequestAborted);
        await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
    }

    private static JsonObject Chunk(ChatEndpoint.Answer a, JsonObject delta, string? finishReason, JsonObject? usage)
    {
        var chunk = new JsonObject
        {
            ["id"] = a.Id,
            ["object"] = "chat.completion.chunk",
            ["created"] = a.Created,
            ["model"] = a.Model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
        };
        if (usage is not null) chunk["usage"] = usage.DeepClone();
        return chunk;
    }
}
