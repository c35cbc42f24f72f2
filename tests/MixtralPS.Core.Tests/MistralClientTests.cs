using MixtralPS.Core.Chat;
using MixtralPS.Core.Client;
using MixtralPS.Core.Models;
using MixtralPS.TestServer;

namespace MixtralPS.Core.Tests;

public sealed class MistralClientTests : IClassFixture<ServerFixture>, IDisposable
{
    private readonly ServerFixture fixture;

    public MistralClientTests(ServerFixture fixture)
    {
        this.fixture = fixture;
        fixture.Server.Reset();
    }

    public void Dispose() => Assert.Empty(fixture.Server.Violations);

    private static ChatOptions Options => new() { Model = "mistral-small-latest" };

    private static List<ChatMessage> Ask(string text) => [ChatMessage.User(text)];

    [Fact]
    public async Task Plain_chat_returns_the_answer_with_usage_and_history()
    {
        var response = await new ChatService(fixture.Client()).CompleteAsync(Options, Ask("hi"));
        Assert.Equal("Echo: hi", response.Content);
        Assert.Equal("stop", response.FinishReason);
        Assert.Equal(2, response.History.Count);
        Assert.True(response.Usage.TotalTokens > 0);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Transient_statuses_are_retried(int status)
    {
        fixture.Server.Enqueue(new ScriptedReply { Status = status, Body = "{\"message\":\"try again\"}", Repeat = 2 });
        var response = await new ChatService(fixture.Client(maxRetries: 2)).CompleteAsync(Options, Ask("x"));
        Assert.Equal("Echo: x", response.Content);
        Assert.Equal(3, fixture.Server.Requests.Count);
    }

    [Theory]
    [InlineData(400, MistralErrorKind.BadRequest)]
    [InlineData(401, MistralErrorKind.Unauthorized)]
    [InlineData(403, MistralErrorKind.Forbidden)]
    [InlineData(404, MistralErrorKind.NotFound)]
    [InlineData(422, MistralErrorKind.Validation)]
    public async Task Client_errors_are_never_retried_and_keep_the_api_message(int status, MistralErrorKind kind)
    {
        fixture.Server.Enqueue(new ScriptedReply
        {
            Path = "/v1/models",
            Status = status,
            Body = "{\"object\":\"error\",\"message\":\"Nope, not that\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"3051\"}",
            Repeat = 3,
        });
        var ex = await Assert.ThrowsAsync<MistralApiException>(() => fixture.Client().ListModelsAsync());
        Assert.Equal(kind, ex.Kind);
        Assert.Equal(status, ex.StatusCode);
        Assert.Equal("Nope, not that", ex.ApiMessage);
        Assert.Equal("3051", ex.Code);
        Assert.Equal(1, ex.Attempts);
        Assert.Single(fixture.Server.Requests);
    }

    [Fact]
    public async Task Validation_error_detail_lists_become_details()
    {
        fixture.Server.Enqueue(new ScriptedReply
        {
            Status = 422,
            Body = "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"model\"],\"msg\":\"Field required\"},{\"type\":\"x\",\"loc\":[\"body\",\"messages\",0],\"msg\":\"Bad\"}]}",
        });
        var ex = await Assert.ThrowsAsync<MistralApiException>(() => new ChatService(fixture.Client()).CompleteAsync(Options, Ask("x")));
        Assert.Equal(["body.model: Field required", "body.messages.0: Bad"], ex.Details);
        Assert.Contains("body.model: Field required", ex.ApiMessage);
    }

    [Fact]
    public async Task Rate_limit_after_retries_carries_the_limit_headers()
    {
        fixture.Server.Enqueue(new ScriptedReply
        {
            Path = "/v1/models",
            Status = 429,
            Body = "{\"message\":\"Requests rate limit exceeded\"}",
            Headers = new() { ["x-ratelimit-limit-req-minute"] = "60", ["x-ratelimit-remaining-req-minute"] = "0", ["Retry-After"] = "0" },
            Repeat = 5,
        });
        var ex = await Assert.ThrowsAsync<MistralApiException>(() => fixture.Client(maxRetries: 1).ListModelsAsync());
        Assert.Equal(MistralErrorKind.RateLimited, ex.Kind);
        Assert.Equal(2, ex.Attempts);
        Assert.Equal("60", ex.RateLimitHeaders["x-ratelimit-limit-req-minute"]);
        Assert.Equal(TimeSpan.Zero, ex.RetryAfter);
    }

    [Fact]
    public async Task A_key_echoed_by_the_server_is_redacted()
    {
        var key = new ApiKeyCredential("sk-abcdef-123456");
        fixture.Server.RequiredApiKey = "sk-abcdef-123456";
        fixture.Server.Enqueue(new ScriptedReply { Path = "/v1/models", Status = 400, Body = "{\"message\":\"bad key sk-abcdef-123456\"}" });
        var ex = await Assert.ThrowsAsync<MistralApiException>(() => fixture.Client(key: key).ListModelsAsync());
        Assert.DoesNotContain("sk-abcdef-123456", ex.ToString());
        Assert.Contains("bad key ***", ex.Message);
        Assert.Equal("Bearer sk-abcdef-123456", fixture.Server.Requests[0].Headers["Authorization"]);
    }

    [Fact]
    public async Task Streaming_yields_text_as_it_arrives_then_the_whole_response()
    {
        fixture.Server.Enqueue(new ScriptedReply { Content = "one two three", Chunks = ["one", " two", " three"] });
        var texts = new List<string>();
        ChatResponse? final = null;
        await foreach (var update in new ChatService(fixture.Client()).StreamAsync(Options, Ask("x")))
        {
            texts.Add(update.Text);
            final ??= update.Final;
        }

        Assert.Equal(["one", " two", " three", ""], texts);
        Assert.Equal("one two three", final!.Content);
        Assert.True(final.Streamed);
        Assert.Equal("stop", final.FinishReason);
        Assert.NotEqual(0, final.Usage.TotalTokens);
    }

    [Fact]
    public async Task A_cut_stream_says_how_much_arrived_and_keeps_it()
    {
        fixture.Server.Enqueue(new ScriptedReply { Content = "aa bb cc dd", Chunks = ["aa", " bb", " cc", " dd"], CutAfterChunks = 3 });
        var ex = await Assert.ThrowsAsync<MistralException>(async () =>
        {
            await foreach (var _ in new ChatService(fixture.Client()).StreamAsync(Options, Ask("x")))
            {
            }
        });
        Assert.Equal(MistralErrorKind.StreamInterrupted, ex.Kind);
        Assert.StartsWith("aa", ex.PartialContent);
        Assert.Contains($"{ex.PartialContent!.Length} characters", ex.Message);
    }

    [Fact]
    public async Task Cancellation_stops_a_waiting_request_at_once()
    {
        fixture.Server.Enqueue(new ScriptedReply { DelayMs = 60_000, Content = "late" });
        using var cts = new CancellationTokenSource();
        var call = new ChatService(fixture.Client()).CompleteAsync(Options, Ask("x"), cts.Token);
        while (fixture.Server.Requests.Count == 0)
        {
            await Task.Delay(10);
        }

        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(fixture.Server.Requests);
    }

    [Fact]
    public async Task A_retired_model_names_its_replacement()
    {
        var ex = await Assert.ThrowsAsync<MistralApiException>(() =>
            new ChatService(fixture.Client()).CompleteAsync(new ChatOptions { Model = "open-mixtral-8x22b" }, Ask("x")));
        Assert.Equal(MistralErrorKind.ModelRetired, ex.Kind);
        Assert.Equal("mistral-small-latest", ex.ReplacementModel);
        Assert.Contains("Invalid model: open-mixtral-8x22b", ex.Message);
        Assert.Contains("2025-03-30", ex.Message);
    }

    [Fact]
    public async Task Json_mode_parses_the_answer()
    {
        var response = await new ChatService(fixture.Client()).CompleteAsync(new ChatOptions { Model = "m", JsonObject = true }, Ask("x"));
        Assert.Equal("Echo: x", response.Json!.Value.GetProperty("echo").GetString());
    }
}
