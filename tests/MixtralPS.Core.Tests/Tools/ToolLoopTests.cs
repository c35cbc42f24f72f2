using System.Text.Json;
using System.Text.Json.Nodes;
using MixtralPS.Core.Chat;
using MixtralPS.Core.Models;
using MixtralPS.Core.Tools;
using MixtralPS.TestServer;

namespace MixtralPS.Core.Tests.Tools;

/// <summary>The tool loop against the test server's scripted conversations, with a fake executor.</summary>
public sealed class ToolLoopTests : IClassFixture<ServerFixture>, IDisposable
{
    private readonly ServerFixture fixture;

    public ToolLoopTests(ServerFixture fixture)
    {
        this.fixture = fixture;
        fixture.Server.Reset();
    }

    public void Dispose() => Assert.Empty(fixture.Server.Violations);

    private static readonly Tool Status = new()
    {
        Function = new FunctionDefinition
        {
            Name = "Get-PaymentStatus",
            Description = "Gets the payment status of a transaction.",
            Parameters = JsonDocument.Parse("""{"type":"object","properties":{"TransactionId":{"type":"string"}},"required":["TransactionId"]}""").RootElement.Clone(),
        },
    };

    private static ChatOptions Options => new() { Model = "mistral-small-latest", Tools = [Status] };

    private static ScriptedReply Calls(params (string Id, string Name, string Arguments)[] calls) => new()
    {
        ToolCalls = calls.Select(c => new ScriptedToolCall { Id = c.Id, Name = c.Name, Arguments = JsonValue.Create(c.Arguments) }).ToList(),
    };

    private static ScriptedReply Answer(string text) => new() { Content = text };

    private static async Task<(ChatResponse Response, List<ToolLoopUpdate> Updates)> RunAsync(
        ToolLoop loop, ChatOptions? options = null, bool stream = false)
    {
        var updates = new List<ToolLoopUpdate>();
        await foreach (var update in loop.RunAsync(options ?? Options, [ChatMessage.User("What's the status of my transaction T1001?")], stream))
        {
            updates.Add(update);
        }

        return (updates[^1].Final!, updates);
    }

    private ToolLoop Loop(IToolExecutor executor, int maxRounds = 5) =>
        new(new ChatService(fixture.Client()), executor, new ToolLoopSettings { MaxRounds = maxRounds });

    private List<JsonNode> ChatBodies() =>
        fixture.Server.Requests.Where(r => r.Path == "/v1/chat/completions").Select(r => JsonNode.Parse(r.Body)!).ToList();

    [Fact]
    public async Task A_call_runs_and_its_result_goes_back_with_its_id_until_the_model_answers()
    {
        fixture.Server.Enqueue(Calls(("c1", "Get-PaymentStatus", """{"TransactionId":"T1001"}""")), Answer("It is paid."));
        var executor = new FakeToolExecutor(_ => ToolOutcome.Success("""{"Status":"Paid"}"""));
        var (response, updates) = await RunAsync(Loop(executor));

        Assert.Equal("It is paid.", response.Content);
        Assert.Equal("T1001", Assert.Single(executor.Calls).Arguments["transactionid"]);
        var run = Assert.Single(response.ToolRuns);
        Assert.Equal(ToolOutcomeKind.Succeeded, run.Outcome);
        Assert.Equal(1, run.Round);
        Assert.Equal(2, updates.Count);
        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], response.History.Select(m => m.Role));

        var tool = ChatBodies()[1]["messages"]![2]!;
        Assert.Equal("tool", (string?)tool["role"]);
        Assert.Equal("c1", (string?)tool["tool_call_id"]);
        Assert.Equal("Get-PaymentStatus", (string?)tool["name"]);
        Assert.Equal("""{"Status":"Paid"}""", (string?)tool["content"]);
    }

    [Fact]
    public async Task Usage_counts_every_request_of_the_conversation()
    {
        fixture.Server.Enqueue(
            Calls(("c1", "Get-PaymentStatus", """{"TransactionId":"T1001"}""")),
            new ScriptedReply { Content = "Paid.", Usage = new ScriptedUsage { PromptTokens = 10, CompletionTokens = 2 } });
        var (response, _) = await RunAsync(Loop(new FakeToolExecutor(_ => ToolOutcome.Success("1"))));
        Assert.True(response.Usage.PromptTokens > 10);
        Assert.Equal(response.Usage.PromptTokens + response.Usage.CompletionTokens, response.Usage.TotalTokens);
    }

    [Fact]
    public async Task Parallel_calls_run_in_order_and_each_is_answered()
    {
        fixture.Server.Enqueue(
            Calls(("a", "Get-PaymentStatus", """{"TransactionId":"T1"}"""), ("b", "Get-PaymentStatus", """{"TransactionId":"T2"}""")),
            Answer("Both."));
        var executor = new FakeToolExecutor(c => ToolOutcome.Success($"\"{c.Arguments["TransactionId"]}\""));
        var (response, _) = await RunAsync(Loop(executor));

        Assert.Equal(["T1", "T2"], executor.Calls.Select(c => (string)c.Arguments["TransactionId"]!));
        var messages = ChatBodies()[1]["messages"]!.AsArray();
        Assert.Equal(["a", "b"], messages.Skip(2).Select(m => (string?)m!["tool_call_id"]));
        Assert.Equal(["\"T1\"", "\"T2\""], messages.Skip(2).Select(m => (string?)m!["content"]));
        Assert.Equal(2, response.ToolRuns.Count);
    }

    [Fact]
    public async Task Arguments_sent_as_an_object_are_read_like_a_string()
    {
        fixture.Server.Enqueue(
            new ScriptedReply { ToolCalls = [new ScriptedToolCall { Id = "c1", Name = "Get-PaymentStatus", Arguments = JsonNode.Parse("""{"TransactionId":"T7"}"""), ArgumentsAsObject = true }] },
            Answer("ok"));
        var executor = new FakeToolExecutor(_ => ToolOutcome.Success("1"));
        await RunAsync(Loop(executor));

        Assert.Equal("T7", Assert.Single(executor.Calls).Arguments["TransactionId"]);
    }

    [Fact]
    public async Task The_test_server_sends_arguments_as_an_object_when_asked()
    {
        fixture.Server.Enqueue(new ScriptedReply
        {
            ToolCalls = [new ScriptedToolCall { Name = "f", Arguments = JsonValue.Create("""{"a":1}"""), ArgumentsAsObject = true }],
        });
        using var http = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        using var response = await http.PostAsync("v1/chat/completions", new StringContent(
            """{"model":"mistral-small-latest","messages":[{"role":"user","content":"x"}]}""", System.Text.Encoding.UTF8, "application/json"));
        var arguments = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["tool_calls"]![0]!["function"]!["arguments"]!;
        Assert.Equal(1, (int)arguments["a"]!);
    }

    [Fact]
    public async Task An_invented_tool_name_is_answered_as_an_error_and_never_reaches_the_executor()
    {
        fixture.Server.Enqueue(
            Calls(("c1", "Remove-Everything", "{}"), ("c2", "get-paymentstatus", """{"TransactionId":"T1"}""")),
            Answer("Sorry."));
        var executor = new FakeToolExecutor(_ => ToolOutcome.Success("ran"));
        var (response, _) = await RunAsync(Loop(executor));

        Assert.Empty(executor.Calls);
        Assert.All(response.ToolRuns, r => Assert.Equal(ToolOutcomeKind.Failed, r.Outcome));
        Assert.Contains("no tool named 'Remove-Everything'", response.ToolRuns[0].Message);
        var error = JsonNode.Parse((string)ChatBodies()[1]["messages"]![2]!["content"]!)!["error"]!.GetValue<string>();
        Assert.Contains("The tools are: Get-PaymentStatus", error);
    }

    [Fact]
    public async Task Invalid_json_arguments_are_answered_as_an_error()
    {
        fixture.Server.Enqueue(Calls(("c1", "Get-PaymentStatus", """{"TransactionId": T1""")), Answer("Retrying."));
        var executor = new FakeToolExecutor(_ => ToolOutcome.Success("ran"));
        var (response, _) = await RunAsync(Loop(executor));

        Assert.Empty(executor.Calls);
        Assert.Contains("not valid JSON", response.ToolRuns[0].Message);
        Assert.Equal("Retrying.", response.Content);
    }

    [Fact]
    public async Task An_executor_that_throws_is_answered_as_an_error_and_the_loop_goes_on()
    {
        fixture.Server.Enqueue(Calls(("c1", "Get-PaymentStatus", """{"TransactionId":"T1"}""")), Answer("It failed."));
        var (response, _) = await RunAsync(Loop(new FakeToolExecutor(_ => throw new InvalidOperationException("boom"))));

        Assert.Equal("It failed.", response.Content);
        Assert.Equal(ToolOutcomeKind.Failed, response.ToolRuns[0].Outcome);
        Assert.Contains("boom", response.ToolRuns[0].Content);
    }

    [Fact]
    public async Task A_declined_call_tells_the_model_and_the_loop_goes_on()
    {
        fixture.Server.Enqueue(Calls(("c1", "Get-PaymentStatus", """{"TransactionId":"T1"}""")), Answer("Not checked."));
        var (response, _) = await RunAsync(Loop(new FakeToolExecutor(_ => ToolOutcome.Declined("The user declined."))));

        Assert.Equal("Not checked.", response.Content);
        Assert.Contains("declined", (string)ChatBodies()[1]["messages"]![2]!["content"]!);
    }

    [Fact]
    public async Task A_call_only_shown_stops_the_loop_without_sending_anything_back()
    {
        fixture.Server.Enqueue(Calls(("c1", "Get-PaymentStatus", """{"TransactionId":"T1"}""")));
        var (response, _) = await RunAsync(Loop(new FakeToolExecutor(_ => ToolOutcome.NotRun("What if: ..."))));

        Assert.Single(ChatBodies());
        Assert.Equal(ToolOutcomeKind.NotRun, Assert.Single(response.ToolRuns).Outcome);
        Assert.Single(response.ToolCalls);
        Assert.Equal(ChatRole.Assistant, response.History[^1].Role);
    }

    [Fact]
    public async Task The_round_limit_is_an_error_that_keeps_a_history_that_can_be_continued()
    {
        var forever = Calls(("c1", "Get-PaymentStatus", """{"TransactionId":"T1"}"""));
        forever.Repeat = 0;
        fixture.Server.Enqueue(forever);
        var executor = new FakeToolExecutor(_ => ToolOutcome.Success("1"));
        var ex = await Assert.ThrowsAsync<ToolRoundLimitException>(() => RunAsync(Loop(executor, maxRounds: 2)));

        Assert.Equal(2, executor.Calls.Count);
        Assert.Equal(3, ChatBodies().Count);
        Assert.Equal(2, ex.Response.ToolRuns.Count);
        Assert.Equal(ChatRole.Tool, ex.Response.History[^1].Role);
        Assert.Contains("limit of 2 tool rounds", ex.Response.History[^1].Content);
        Assert.Contains("after 2 tool rounds", ex.Message);

        // The kept history is one the API accepts.
        fixture.Server.Reset();
        var next = await new ChatService(fixture.Client()).CompleteAsync(Options, [.. ex.Response.History, ChatMessage.User("Go on.")]);
        Assert.Equal("Echo: Go on.", next.Content);
    }

    [Fact]
    public async Task A_long_result_is_cut_with_a_note()
    {
        fixture.Server.Enqueue(Calls(("c1", "Get-PaymentStatus", """{"TransactionId":"T1"}""")), Answer("ok"));
        var loop = new ToolLoop(new ChatService(fixture.Client()), new FakeToolExecutor(_ => ToolOutcome.Success(new string('x', 500))),
            new ToolLoopSettings { MaxResultChars = 100 });
        var (response, _) = await RunAsync(loop);

        Assert.Equal(500, response.ToolRuns[0].CutFromLength);
        Assert.StartsWith(new string('x', 100) + "\n[Result cut", (string)ChatBodies()[1]["messages"]![2]!["content"]!);
    }

    [Fact]
    public async Task Streamed_tool_calls_are_assembled_before_running_and_the_answer_streams()
    {
        fixture.Server.Enqueue(
            Calls(("c1", "Get-PaymentStatus", """{"TransactionId":"T1"}""")),
            new ScriptedReply { Content = "It is paid.", Chunks = ["It", " is", " paid."] });
        var executor = new FakeToolExecutor(_ => ToolOutcome.Success("1"));
        var (response, updates) = await RunAsync(Loop(executor), stream: true);

        Assert.Equal("T1", Assert.Single(executor.Calls).Arguments["TransactionId"]);
        Assert.Equal("c1", executor.Calls[0].Id);
        Assert.Equal(["It", " is", " paid."], updates.Where(u => u.Text.Length > 0).Select(u => u.Text));
        Assert.True(response.Streamed);
        Assert.Equal("It is paid.", response.Content);
        Assert.All(ChatBodies(), b => Assert.True((bool)b["stream"]!));
    }
}
