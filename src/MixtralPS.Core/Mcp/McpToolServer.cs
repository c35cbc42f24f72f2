using System.Collections.Concurrent;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using MixtralPS.Core.Configuration;

namespace MixtralPS.Core.Mcp;

/// <summary>
/// One MCP server a chat uses: started (a child process) or reached (a URL), initialized, its tools listed; its
/// tools called; stopped with the chat. A child's stderr is kept apart (its last lines name the cause when it
/// fails) and never reaches the answer; its process tree is ended when the server is disposed.
/// </summary>
public sealed class McpToolServer : IAsyncDisposable
{
    private const int StderrLinesKept = 20;

    private readonly McpClient client;
    private readonly ConcurrentQueue<string> stderr;

    private McpToolServer(McpServerAddress address, McpClient client, IList<McpClientTool> tools, ConcurrentQueue<string> stderr)
    {
        Address = address;
        this.client = client;
        this.stderr = stderr;
        Tools = tools.Select(t => t.ProtocolTool).ToList();
    }

    public McpServerAddress Address { get; }

    /// <summary>The name the server gives itself (serverInfo.name).</summary>
    public string Name => client.ServerInfo?.Name ?? Address.Text;

    public IReadOnlyList<Tool> Tools { get; }

    /// <summary>Starts or reaches the server, and lists its tools.</summary>
    /// <param name="log">Receives the server's stderr lines, for verbose output.</param>
    /// <exception cref="McpServerException">It did not start, answer or list its tools.</exception>
    public static async Task<McpToolServer> ConnectAsync(McpServerAddress address, TimeSpan timeout, Action<string>? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        var stderr = new ConcurrentQueue<string>();
        IClientTransport transport = address.Url is { } url
            ? new HttpClientTransport(new HttpClientTransportOptions { Endpoint = url, Name = address.Text, ConnectionTimeout = timeout })
            : new StdioClientTransport(new StdioClientTransportOptions
            {
                Command = address.Command!,
                Arguments = address.Arguments.ToList(),
                Name = address.Text,
                // A third-party server has no business with the Mistral key.
                EnvironmentVariables = new Dictionary<string, string?> { [MixtralEnvironment.ApiKeyVariable] = null },
                ShutdownTimeout = TimeSpan.FromSeconds(2),
                StandardErrorLines = line =>
                {
                    stderr.Enqueue(line);
                    while (stderr.Count > StderrLinesKept && stderr.TryDequeue(out _))
                    {
                    }

                    log?.Invoke($"MCP server {address.Text}: {line}");
                },
            });

        McpClient? client = null;
        try
        {
            client = await McpClient.CreateAsync(transport, new McpClientOptions { InitializationTimeout = timeout }, cancellationToken: cancellationToken).ConfigureAwait(false);
            var tools = await client.ListToolsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return new McpToolServer(address, client, tools, stderr);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (client is not null)
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }

            throw new McpServerException(address.Text, $"The MCP server '{address.Text}' did not start: {Reason(ex)}{Tail(stderr)}", ex);
        }
    }

    /// <summary>Calls one of the server's tools with the model's arguments (a JSON object).</summary>
    /// <exception cref="McpServerException">The server has gone away (exited, or the connection closed).</exception>
    public async Task<CallToolResult> CallAsync(string tool, string argumentsJson, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(argumentsJson) ? "{}" : argumentsJson);
        var arguments = document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
        if (client.Completion.IsCompleted)
        {
            throw Gone(null);
        }

        try
        {
            return await client.CallToolAsync(new CallToolRequestParams { Name = tool, Arguments = arguments }, cancellationToken).ConfigureAwait(false);
        }
        catch (McpProtocolException ex)
        {
            // The server answered with a JSON-RPC error (unknown tool, invalid arguments): the model reads it.
            return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = ex.Message }] };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Gone(ex);
        }
    }

    private McpServerException Gone(Exception? cause)
    {
        var details = client.Completion.IsCompletedSuccessfully ? client.Completion.Result : null;
        var exit = details is StdioClientCompletionDetails { ExitCode: { } code } ? $" (exit code {code})" : "";
        var why = details?.Exception?.Message ?? cause?.Message ?? "the connection closed";
        return new McpServerException(Address.Text, $"The MCP server '{Address.Text}' stopped answering{exit}: {why}{Tail(stderr)}", cause ?? details?.Exception);
    }

    private static string Reason(Exception ex) =>
        ex is OperationCanceledException or TimeoutException ? "it did not answer in time" : ex.Message;

    private static string Tail(ConcurrentQueue<string> stderr) =>
        stderr.IsEmpty ? "" : $"{Environment.NewLine}Its last error output:{Environment.NewLine}{string.Join(Environment.NewLine, stderr)}";

    /// <summary>Closes the session; a child process gets a moment to exit, then its process tree is killed.</summary>
    public ValueTask DisposeAsync() => client.DisposeAsync();
}
