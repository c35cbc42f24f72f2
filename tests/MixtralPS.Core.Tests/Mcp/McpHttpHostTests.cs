using System.Net;
using System.Net.Sockets;
using System.Text;
using MixtralPS.Core.Mcp;
using MixtralPS.Core.Rag.Stores;

namespace MixtralPS.Core.Tests.Mcp;

/// <summary>The HTTP transport's door rules: the token, the origin, the endpoint and the methods.</summary>
public sealed class McpHttpHostTests : IAsyncLifetime
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"xunit","version":"1"}}}""";

    private readonly CancellationTokenSource stop = new();
    private readonly HttpClient http = new();
    private McpHttpHost host = null!;
    private Task running = Task.CompletedTask;

    public Task InitializeAsync()
    {
        var index = new McpIndexServer(new McpIndexAccess(RagIndexLocation.Folder("/nowhere"), (_, _) => Task.FromResult(Array.Empty<float>())));
        host = new McpHttpHost(index, new McpHttpSettings(FreePort(), Token: "s3cret"));
        host.Start();
        running = host.RunAsync(stop.Token);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await stop.CancelAsync();
        await running;
        await host.DisposeAsync();
        http.Dispose();
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("Bearer s3cre", HttpStatusCode.Unauthorized)]
    [InlineData("Bearer s3cret", HttpStatusCode.OK)]
    [InlineData("bearer s3cret", HttpStatusCode.OK)]
    public async Task AnswersOnlyRequestsWithTheToken(string? authorization, HttpStatusCode expected)
    {
        using var response = await PostAsync(Initialize, authorization);
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            Assert.True(response.Headers.Contains("Mcp-Session-Id"));
            Assert.Contains("\"serverInfo\":{\"name\":\"MixtralPS\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    [Fact]
    public async Task RefusesAnotherOriginAndAnotherPathAndAMessageWithoutASession()
    {
        using (var foreign = await PostAsync(Initialize, "Bearer s3cret", origin: "https://evil.example"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        }

        using (var path = await PostAsync(Initialize, "Bearer s3cret", path: "/other"))
        {
            Assert.Equal(HttpStatusCode.NotFound, path.StatusCode);
        }

        using (var sessionless = await PostAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", "Bearer s3cret"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, sessionless.StatusCode);
        }

        using var notJson = await PostAsync("{not json", "Bearer s3cret");
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Contains("-32700", await notJson.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndsASessionOnDelete()
    {
        using var opened = await PostAsync(Initialize, "Bearer s3cret");
        var session = opened.Headers.GetValues("Mcp-Session-Id").Single();
        using var delete = new HttpRequestMessage(HttpMethod.Delete, host.Endpoint);
        delete.Headers.Add("Authorization", "Bearer s3cret");
        delete.Headers.Add("Mcp-Session-Id", session);
        using (var deleted = await http.SendAsync(delete))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        using var after = await PostAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", "Bearer s3cret", session: session);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public void NeedsATokenBeyondLoopback()
    {
        var index = new McpIndexServer(new McpIndexAccess(RagIndexLocation.Folder("/nowhere"), (_, _) => Task.FromResult(Array.Empty<float>())));
        Assert.Throws<ArgumentException>(() => new McpHttpHost(index, new McpHttpSettings(8808, AllowRemote: true)));
        Assert.True(McpHttpSettings.NewToken().Length >= 43);
    }

    private async Task<HttpResponseMessage> PostAsync(string body, string? authorization, string? origin = null, string path = "/mcp", string? session = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.Endpoint, path))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Accept", "application/json, text/event-stream");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (session is not null)
        {
            request.Headers.Add("Mcp-Session-Id", session);
        }

        return await http.SendAsync(request);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
