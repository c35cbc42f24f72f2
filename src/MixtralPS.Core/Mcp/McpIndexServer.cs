using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace MixtralPS.Core.Mcp;

/// <summary>
/// The MCP server of an index: its identity, its three tools, and the stdio transport an editor launches it
/// with (the HTTP one is <see cref="McpHttpHost"/>). It writes nothing but protocol to the output stream.
/// </summary>
public sealed class McpIndexServer
{
    private readonly McpIndexTools tools;

    public McpIndexServer(McpIndexAccess index)
    {
        ArgumentNullException.ThrowIfNull(index);
        Index = index;
        tools = new McpIndexTools(index);
    }

    public McpIndexAccess Index { get; }

    public static string Version { get; } = typeof(McpIndexServer).Assembly.GetName().Version?.ToString(3) ?? "0";

    /// <summary>Options for one session: each session (stdio, or one HTTP client) gets its own server over the same tools.</summary>
    public McpServerOptions CreateOptions() => new()
    {
        ServerInfo = new Implementation { Name = "MixtralPS", Title = "MixtralPS retrieval index", Version = Version },
        ServerInstructions = $"Searches the retrieval index {Index.Location.Display}: use search for questions, list_sources and get_document to browse it.",
        Capabilities = new ServerCapabilities { Tools = new ToolsCapability { ListChanged = false } },
        Handlers = new McpServerHandlers
        {
            ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult { Tools = McpIndexTools.Definitions }),
            CallToolHandler = async (request, ct) => await tools.CallAsync(request.Params!, ct).ConfigureAwait(false),
        },
    };

    /// <summary>Serves one client over a pair of streams (the process's stdin and stdout) until the input ends or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunStdioAsync(Stream input, Stream output, CancellationToken cancellationToken)
    {
        var transport = new StreamServerTransport(input, output, "MixtralPS");
        await using (transport.ConfigureAwait(false))
        {
            var server = McpServer.Create(transport, CreateOptions());
            await using (server.ConfigureAwait(false))
            {
                try
                {
                    await server.RunAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Stopped by the caller: the client is gone or the user pressed Ctrl+C.
                }
            }
        }
    }
}
