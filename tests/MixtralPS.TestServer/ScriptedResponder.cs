using System.Text.Json.Nodes;

namespace MixtralPS.TestServer;

/// <summary>The endpoint-independent part of a scripted reply: delay, headers, raw bodies and bare error statuses.</summary>
internal static class ScriptedResponder
{
    /// <returns>True when the reply has been fully sent; false when the endpoint should generate the body.</returns>
    public static async Task<bool> TryRespondAsync(HttpContext ctx, ScriptedReply reply)
    {
        if (reply.DelayMs > 0) await Task.Delay(reply.DelayMs, ctx.RequestAborted);
        ctx.Response.StatusCode = reply.Status;
        if (reply.Body is not null)
        {
            ctx.Response.ContentType = reply.ContentType;
            ApplyHeaders(ctx, reply);
            await ctx.Response.WriteAsync(reply.Body, ctx.RequestAborted);
            return true;
        }
        if (reply.RawSse is not null)
        {
            ctx.Response.ContentType = "text/event-stream";
            ApplyHeaders(ctx, reply);
            await ctx.Response.WriteAsync(reply.RawSse, ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            if (reply.CutAfterChunks is not null)
            {
                // A malformed stream that also never ends properly.
                await Task.Delay(ChatStreamWriter.AbortGraceMs, ctx.RequestAborted);
                ctx.Abort();
            }
            return true;
        }
        ApplyHeaders(ctx, reply);
        if (reply.Status >= 400)
        {
            // A bare error status still gets a body in the API's error shape, as the real service sends.
            await Json.WriteAsync(ctx, reply.Status, Json.MistralError($"Scripted error {reply.Status}", "scripted_error", reply.Status.ToString()));
            return true;
        }
        return false;
    }

    private static void ApplyHeaders(HttpContext ctx, ScriptedReply reply)
    {
        foreach (var (name, value) in reply.Headers ?? []) ctx.Response.Headers[name] = value;
    }
}
