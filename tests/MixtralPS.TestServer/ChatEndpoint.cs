using System.Text.Json.Nodes;

namespace MixtralPS.TestServer;

/// <summary>POST /v1/chat/completions: a ChatCompletionResponse, or CompletionChunk events when "stream": true.</summary>
internal static class ChatEndpoint
{
    public static async Task HandleAsync(HttpContext ctx, JsonObject request, ScriptedReply? reply)
    {
        var requestedModel = request["model"]?.GetValue<string>() ?? "";
        if (reply is null && ModelCatalog.IsRetired(requestedModel))
        {
            await Json.WriteAsync(ctx, 400, Json.MistralError($"Invalid model: {requestedModel}", "invalid_model", "1500"));
            return;
        }

        var scripted = reply is not null && (reply.Content is not null || reply.Chunks is not null || reply.ToolCalls is not null);
        var content = scripted ? reply!.Content ?? string.Concat(reply.Chunks ?? []) : ChatContent.DefaultReply(request);
        var pieces = reply?.Chunks?.ToList() ?? ChatContent.Tokenize(content);
        var toolCalls = reply?.ToolCalls ?? [];
        var answer = new Answer(
            Id: "cmpl-" + Guid.NewGuid().ToString("N"),
            Model: reply?.Model ?? requestedModel,
            Created: DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            Content: content,
            Pieces: pieces,
            ToolCalls: toolCalls.Select((t, i) => ToolCallJson(t, i)).ToList(),
            FinishReason: reply?.FinishReason ?? (toolCalls.Count > 0 ? "tool_calls" : "stop"),
            Usage: Usage(reply?.Usage?.PromptTokens ?? ChatContent.CountPromptWords(request),
                         reply?.Usage?.CompletionTokens ?? pieces.Count + toolCalls.Count));

        var status = reply?.Status ?? 200;
        if (request["stream"]?.GetValue<bool>() == true)
            await ChatStreamWriter.WriteAsync(ctx, status, answer, reply?.ChunkDelayMs ?? 0, reply?.CutAfterChunks);
        else
            await Json.WriteAsync(ctx, status, Completion(answer));
    }

    internal sealed record Answer(string Id, string Model, long Created, string Content, List<string> Pieces,
        List<JsonObject> ToolCalls, string FinishReason, JsonObject Usage);

    private static JsonObject Completion(Answer a) => new()
    {
        ["id"] = a.Id,
        ["object"] = "chat.completion",
        ["model"] = a.Model,
        ["created"] = a.Created,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = a.Content,
                ["tool_calls"] = a.ToolCalls.Count == 0 ? null : new JsonArray(a.ToolCalls.Select(t => (JsonNode)WithType(t)).ToArray()),
                ["prefix"] = false,
            },
            ["finish_reason"] = a.FinishReason,
        }),
        ["usage"] = a.Usage.DeepClone(),
    };

    // Mistral's ToolCall: id, function{name, arguments (a JSON string, or an object)}, index; the whole call arrives at once.
    private static JsonObject ToolCallJson(ScriptedToolCall call, int index) => new()
    {
        ["id"] = call.Id ?? Guid.NewGuid().ToString("N")[..9],
        ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.ArgumentsJson },
        ["index"] = index,
    };

    private static JsonObject WithType(JsonObject call)
    {
        var copy = (JsonObject)call.DeepClone();
        copy["type"] = "function";
        return copy;
    }

    private static JsonObject Usage(int prompt, int completion) => new()
    {
        ["prompt_tokens"] = prompt,
        ["completion_tokens"] = completion,
        ["total_tokens"] = prompt + completion,
    };
}
