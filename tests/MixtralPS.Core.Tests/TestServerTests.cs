using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MixtralPS.TestServer;

namespace MixtralPS.Core.Tests;

/// <summary>The mock Mistral server itself: other tests trust it, so its wire format and validation are pinned here.</summary>
public sealed class TestServerTests : IAsyncLifetime
{
    private const string Chat = "v1/chat/completions";
    private MockMistralServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await MockMistralServer.StartAsync();
        _http = new HttpClient { BaseAddress = _server.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private Task<HttpResponseMessage> PostAsync(string path, string json) =>
        _http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static string ChatBody(string extra = "") =>
        $$"""{"model":"mistral-small-latest","messages":[{"role":"user","content":"Hello there"}]{{extra}}}""";

    [Fact]
    public async Task ValidChatRequest_PassesAndGetsEcho()
    {
        using var response = await PostAsync(Chat, ChatBody());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("chat.completion", (string?)json["object"]);
        Assert.Equal("mistral-small-latest", (string?)json["model"]);
        Assert.Equal("assistant", (string?)json["choices"]![0]!["message"]!["role"]);
        Assert.Equal("Echo: Hello there", (string?)json["choices"]![0]!["message"]!["content"]);
        Assert.Equal("stop", (string?)json["choices"]![0]!["finish_reason"]);
        Assert.Equal(2, (int)json["usage"]!["prompt_tokens"]!);
        Assert.Equal(5, (int)json["usage"]!["total_tokens"]!); // 2 prompt words + 3 reply pieces
        Assert.Empty(_server.Violations);
    }

    [Fact]
    public async Task RichValidChatRequest_Passes()
    {
        const string body = """
            {"model":"m","temperature":0.2,"top_p":1,"max_tokens":50,"random_seed":7,"safe_prompt":false,"stop":["END"],
             "messages":[{"role":"system","content":"be brief"},
               {"role":"user","content":[{"type":"text","text":"weather?"}]},
               {"role":"assistant","content":"","tool_calls":[{"id":"abc123def","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
               {"role":"tool","tool_call_id":"abc123def","name":"get_weather","content":"sunny"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"d","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "tool_choice":"auto",
             "response_format":{"type":"json_schema","json_schema":{"name":"w","strict":true,"schema":{"type":"object","properties":{"summary":{"type":"string"},"n":{"type":"integer"}}}}}}
            """;
        using var response = await PostAsync(Chat, body);
        Assert.Empty(_server.Violations);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var content = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"]!;
        var reply = JsonNode.Parse(content)!;
        Assert.Equal("Echo: weather?", (string?)reply["summary"]);
        Assert.Equal(1, (int)reply["n"]!);
    }

    [Theory]
    [InlineData(""","foo":1""", "/foo")]
    [InlineData(""","temperature":"hot" """, "/temperature")]
    [InlineData(""","tool_choice":"sometimes" """, "/tool_choice")]
    public async Task InvalidBody_Gets422_RecordsViolation_KeepsScriptedReply(string extra, string pointer)
    {
        _server.Enqueue(new ScriptedReply { Content = "scripted" });
        using var response = await PostAsync(Chat, ChatBody(extra));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var detail = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.AsArray();
        Assert.Contains(detail, d => (string?)d!["loc"]![1] == pointer.TrimStart('/'));
        Assert.Contains(_server.Violations, v => v.Contains(pointer + ":"));
        Assert.Single(_server.Requests[0].Violations);

        using var next = await PostAsync(Chat, ChatBody());
        Assert.Contains("scripted", await next.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NonJsonContentType_IsAViolation()
    {
        using var response = await _http.PostAsync(Chat, new StringContent(ChatBody(), Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(_server.Violations, v => v.Contains("Content-Type"));
    }

    [Fact]
    public async Task Stream_RoleFirst_UsageInLastChunk_DoneLast()
    {
        using var response = await PostAsync(Chat, ChatBody(""","stream":true"""));
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonNode.Parse(e["data: ".Length..])!).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", (string?)c["object"]));
        Assert.Equal("assistant", (string?)chunks[0]["choices"]![0]!["delta"]!["role"]);
        Assert.Equal("Echo: Hello there", string.Concat(chunks.Select(c => (string?)c["choices"]![0]!["delta"]!["content"])));
        Assert.Equal(["Echo:", " Hello", " there"], chunks.Skip(1).SkipLast(1).Select(c => (string)c["choices"]![0]!["delta"]!["content"]!));
        Assert.Equal("stop", (string?)chunks[^1]["choices"]![0]!["finish_reason"]);
        Assert.Equal(3, (int)chunks[^1]["usage"]!["completion_tokens"]!);
        Assert.All(chunks.SkipLast(1), c => Assert.Null(c["usage"]));
    }

    [Fact]
    public async Task StreamedToolCalls_ArriveWholeWithIndex()
    {
        _server.Enqueue(new ScriptedReply { ToolCalls = [new ScriptedToolCall { Id = "call1", Name = "f", Arguments = JsonValue.Create("""{"a":1}""") }] });
        using var response = await PostAsync(Chat, ChatBody(""","stream":true"""));
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var last = JsonNode.Parse(events[^2]["data: ".Length..])!["choices"]![0]!;
        Assert.Equal("tool_calls", (string?)last["finish_reason"]);
        var call = last["delta"]!["tool_calls"]![0]!;
        Assert.Equal("call1", (string?)call["id"]);
        Assert.Equal(0, (int)call["index"]!);
        Assert.Equal("""{"a":1}""", (string?)call["function"]!["arguments"]);
    }

    [Fact]
    public async Task ScriptedStatus_SendsRetryAfter_ThenDefaultResumes()
    {
        _server.Enqueue(new ScriptedReply
        {
            Status = 429,
            Headers = new() { ["Retry-After"] = "2" },
            Body = """{"message":"Requests rate limit exceeded"}""",
            Repeat = 2,
        });
        for (var i = 0; i < 2; i++)
        {
            using var limited = await PostAsync(Chat, ChatBody());
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(2), limited.Headers.RetryAfter?.Delta);
            Assert.Contains("rate limit", await limited.Content.ReadAsStringAsync());
        }
        using var ok = await PostAsync(Chat, ChatBody());
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task CutAfterChunks_AbortsTheStream()
    {
        _server.Enqueue(new ScriptedReply { Content = "one two three four", CutAfterChunks = 2 });
        using var request = new HttpRequestMessage(HttpMethod.Post, Chat) { Content = new StringContent(ChatBody(""","stream":true"""), Encoding.UTF8, "application/json") };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var received = new StringBuilder();
        var ex = await Record.ExceptionAsync(async () =>
        {
            while (await reader.ReadLineAsync() is { } line) received.AppendLine(line);
        });
        Assert.IsAssignableFrom<IOException>(ex);
        var text = received.ToString();
        Assert.Equal(2, text.Split("data: ").Length - 1);
        Assert.DoesNotContain("[DONE]", text);
    }

    [Fact]
    public async Task Embeddings_AreDeterministicOrderedAndNormalised()
    {
        async Task<JsonArray> EmbedAsync(string inputs)
        {
            using var response = await PostAsync("v1/embeddings", $$"""{"model":"mistral-embed","input":{{inputs}}}""");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!.AsArray();
        }
        var first = await EmbedAsync("""["alpha","beta"]""");
        var again = await EmbedAsync("""["beta","alpha"]""");
        Assert.Equal([0, 1], first.Select(d => (int)d!["index"]!));
        var alpha = first[0]!["embedding"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.Equal(1024, alpha.Length);
        Assert.Equal(1.0, Math.Sqrt(alpha.Sum(v => v * v)), 3);
        Assert.Equal(alpha, again[1]!["embedding"]!.AsArray().Select(v => (double)v!).ToArray());
        Assert.NotEqual(alpha, again[0]!["embedding"]!.AsArray().Select(v => (double)v!).ToArray());

        using var unknown = await PostAsync("v1/embeddings", """{"model":"nope","input":"x"}""");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async Task Models_ListTheRetiredModelWithItsReplacement()
    {
        var list = JsonNode.Parse(await _http.GetStringAsync("v1/models"))!;
        Assert.Equal("list", (string?)list["object"]);
        var retired = list["data"]!.AsArray().Single(m => (string?)m!["id"] == "open-mixtral-8x22b")!;
        Assert.Equal("2025-03-30T00:00:00Z", (string?)retired["deprecation"]);
        Assert.Equal("mistral-small-latest", (string?)retired["deprecation_replacement_model"]);
        Assert.True((bool)retired["capabilities"]!["completion_chat"]!);

        using var chat = await PostAsync(Chat, """{"model":"open-mixtral-8x22b","messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, chat.StatusCode);
        Assert.Equal("invalid_model", (string?)JsonNode.Parse(await chat.Content.ReadAsStringAsync())!["type"]);
        using var missing = await _http.GetAsync("v1/models/no-such-model");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task RequiredApiKey_Returns401WithoutIt()
    {
        using (await PostAsync("_test/config", """{"apiKey":"sekret"}""")) { }
        using var anonymous = await PostAsync(Chat, ChatBody());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Unauthorized", (string?)JsonNode.Parse(await anonymous.Content.ReadAsStringAsync())!["message"]);

        using var request = new HttpRequestMessage(HttpMethod.Post, Chat) { Content = new StringContent(ChatBody(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", "sekret");
        using var authorised = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, authorised.StatusCode);
    }

    [Fact]
    public async Task ControlApi_ScriptsAndRecordsOverHttp()
    {
        using (await PostAsync("_test/replies", """[{"content":"first"},{"path":"/v1/embeddings","status":503,"repeat":0,"headers":{"Retry-After":1}}]""")) { }
        using var chat = await PostAsync(Chat, ChatBody());
        Assert.Contains("first", await chat.Content.ReadAsStringAsync());
        for (var i = 0; i < 3; i++)
        {
            using var down = await PostAsync("v1/embeddings", """{"model":"mistral-embed","input":"x"}""");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), down.Headers.RetryAfter?.Delta);
        }
        var requests = JsonNode.Parse(await _http.GetStringAsync("_test/requests"))!.AsArray();
        Assert.Equal(4, requests.Count);
        Assert.Equal("/v1/chat/completions", (string?)requests[0]!["path"]);
        Assert.Equal(ChatBody(), (string?)requests[0]!["body"]);
        Assert.Equal("application/json; charset=utf-8", (string?)requests[0]!["headers"]!["Content-Type"]);

        using (await PostAsync("_test/reset", "")) { }
        Assert.Empty(JsonNode.Parse(await _http.GetStringAsync("_test/requests"))!.AsArray());
        using var after = await PostAsync("v1/embeddings", """{"model":"mistral-embed","input":"x"}""");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
