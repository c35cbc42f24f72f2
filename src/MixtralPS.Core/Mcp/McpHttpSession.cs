using System.Security.Cryptography;
using ModelContextProtocol.Server;

namespace MixtralPS.Core.Mcp;

/// <summary>One HTTP client's session: its transport and the server that runs over it until the session ends.</summary>
internal sealed class McpHttpSession : IAsyncDisposable
{
    private readonly CancellationTokenSource ending = new();
    private readonly McpServer server;
    private readonly Task running;

    private McpHttpSession(string id, StreamableHttpServerTransport transport, McpServer server)
    {
        Id = id;
        Transport = transport;
        this.server = server;
        running = server.RunAsync(ending.Token);
    }

    public string Id { get; }

    public StreamableHttpServerTransport Transport { get; }

    public static McpHttpSession Start(McpServerOptions options)
    {
        // 128 random bits: a session id is as good as a password for the session it names.
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var transport = new StreamableHttpServerTransport { SessionId = id };
        return new McpHttpSession(id, transport, McpServer.Create(transport, options));
    }

    public async ValueTask DisposeAsync()
    {
        await ending.CancelAsync().ConfigureAwait(false);
        await Transport.DisposeAsync().ConfigureAwait(false);
        await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await server.DisposeAsync().ConfigureAwait(false);
        ending.Dispose();
    }
}
