using System.Text.Json.Nodes;

namespace MixtralPS.TestServer;

/// <summary>GET /v1/models (ModelList) and GET /v1/models/{model_id} (BaseModelCard or 404).</summary>
internal static class ModelsEndpoint
{
    public static async Task HandleAsync(HttpContext ctx, string path, ScriptedReply? reply)
    {
        var status = reply?.Status ?? 200;
        var id = Uri.UnescapeDataString(path["/v1/models".Length..].Trim('/'));
        if (id.Length == 0)
        {
            await Json.WriteAsync(ctx, status, ModelCatalog.List());
            return;
        }
        if (ModelCatalog.Find(id) is { } card) await Json.WriteAsync(ctx, status, card);
        else await Json.WriteAsync(ctx, 404, Json.MistralError($"Model not found: {id}", "invalid_model", "1500"));
    }
}
