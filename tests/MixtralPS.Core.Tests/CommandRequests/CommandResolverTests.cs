using System.Text.Json.Nodes;
using MixtralPS.Core.Chat;
using MixtralPS.Core.CommandRequests;
using MixtralPS.TestServer;

namespace MixtralPS.Core.Tests.CommandRequests;

/// <summary>The request for a command and the one retry, against the test server, with a fake parser.</summary>
public sealed class CommandResolverTests : IClassFixture<ServerFixture>, IDisposable
{
    private static readonly CommandContext Context = new("Linux", "Ubuntu 24.04.1 LTS", "7.6.9");

    private readonly ServerFixture fixture;

    public CommandResolverTests(ServerFixture fixture)
    {
        this.fixture = fixture;
        fixture.Server.Reset();
    }

    public void Dispose() => Assert.Empty(fixture.Server.Violations);

    /// <summary>Parses when the braces balance; the error names the line, as PowerShell's does.</summary>
    private static string? BraceParser(string command) =>
        command.Count(c => c == '{') == command.Count(c => c == '}') ? null : "Line 1: Missing closing '}' in statement block.";

    private static ScriptedReply Json(string command) =>
        new() { Content = new JsonObject { ["command"] = command, ["explanation"] = "Does it." }.ToJsonString() };

    private Task<CommandResolution> ResolveAsync(string request = "find big files") =>
        new CommandResolver(new ChatService(fixture.Client()))
            .ResolveAsync(CommandPrompt.Options("mistral-small-latest"), CommandPrompt.Messages(Context, request), BraceParser);

    private List<JsonNode> ChatBodies() =>
        fixture.Server.Requests.Where(r => r.Path == "/v1/chat/completions").Select(r => JsonNode.Parse(r.Body)!).ToList();

    [Fact]
    public async Task Asks_once_with_the_platform_the_version_and_the_json_schema()
    {
        fixture.Server.Enqueue(Json("Get-ChildItem -Recurse | Where-Object { $_.Length -gt 1GB }"));
        var result = await ResolveAsync();

        Assert.Equal("Get-ChildItem -Recurse | Where-Object { $_.Length -gt 1GB }", result.Command);
        Assert.Equal("Does it.", result.Explanation);
        Assert.Null(result.ParseError);
        Assert.Equal(1, result.Attempts);
        Assert.Equal("mistral-small-latest", result.Model);

        var body = Assert.Single(ChatBodies());
        Assert.Equal("json_schema", (string?)body["response_format"]!["type"]);
        Assert.Equal(CommandPrompt.AnswerSchemaName, (string?)body["response_format"]!["json_schema"]!["name"]);
        var system = (string?)body["messages"]![0]!["content"];
        Assert.Contains("Linux (Ubuntu 24.04.1 LTS)", system);
        Assert.Contains("PowerShell 7.6.9", system);
        Assert.Equal("find big files", (string?)body["messages"]![1]!["content"]);
    }

    [Fact]
    public async Task Sends_a_command_that_does_not_parse_back_once_with_the_error()
    {
        fixture.Server.Enqueue(Json("Get-ChildItem | Where-Object {"), Json("Get-ChildItem | Where-Object { $_ }"));
        var result = await ResolveAsync();

        Assert.Equal("Get-ChildItem | Where-Object { $_ }", result.Command);
        Assert.Null(result.ParseError);
        Assert.Equal(2, result.Attempts);
        var retry = ChatBodies()[1]["messages"]!.AsArray();
        Assert.Equal(4, retry.Count);
        Assert.Equal("assistant", (string?)retry[2]!["role"]);
        var message = (string?)retry[3]!["content"];
        Assert.Contains("Missing closing '}'", message);
        Assert.Contains("Get-ChildItem | Where-Object {", message);
    }

    [Fact]
    public async Task Retries_only_once()
    {
        fixture.Server.Enqueue(Json("{"), Json("{{"), Json("Get-Date"));
        var result = await ResolveAsync();

        Assert.Equal("{{", result.Command);
        Assert.Equal("Line 1: Missing closing '}' in statement block.", result.ParseError);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, ChatBodies().Count);
    }

    [Fact]
    public async Task Retries_an_answer_without_a_command_and_keeps_a_refusal_as_the_explanation()
    {
        fixture.Server.Enqueue(new ScriptedReply { Content = "No.\nI will not." }, new ScriptedReply { Content = "Still no.\nSorry." });
        var result = await ResolveAsync();

        Assert.Equal("", result.Command);
        Assert.Equal(CommandResolver.NoCommandError, result.ParseError);
        Assert.Equal("Still no.\nSorry.", result.Explanation);
        Assert.Equal(CommandPrompt.NoCommand, (string?)ChatBodies()[1]["messages"]![3]!["content"]);
    }

    [Fact]
    public async Task Does_not_retry_an_answer_that_parses()
    {
        fixture.Server.Enqueue(Json("Get-NoSuchThing"), Json("Get-Date"));
        var result = await ResolveAsync();

        Assert.Equal("Get-NoSuchThing", result.Command);
        Assert.Single(ChatBodies());
    }
}
