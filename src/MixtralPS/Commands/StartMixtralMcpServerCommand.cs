using System.Management.Automation;
using MixtralPS.Completion;
using MixtralPS.Core.Embeddings;
using MixtralPS.Core.Mcp;
using MixtralPS.Core.Rag;
using MixtralPS.Infrastructure;

namespace MixtralPS.Commands;

/// <summary>
/// Serves an index to editors and agents over the Model Context Protocol: tools search, get_document and
/// list_sources. Over stdio (what an editor launches) until the client closes the input, or with -Port over
/// Streamable HTTP at http://127.0.0.1:&lt;port&gt;/mcp until Ctrl+C.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "MixtralMcpServer", DefaultParameterSetName = StdioSet)]
public sealed class StartMixtralMcpServerCommand : EmbeddingCmdlet
{
    private const string StdioSet = "Stdio";
    private const string HttpSet = "Http";

    /// <summary>The index folder made by New-RagIndex.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RagIndexPathCompleter))]
    public string Path { get; set; } = "";

    /// <summary>Serve over Streamable HTTP on this port of 127.0.0.1 instead of stdio.</summary>
    [Parameter(Mandatory = true, ParameterSetName = HttpSet)]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    /// <summary>Listen on every interface, not only loopback; every request must then carry the bearer token.</summary>
    [Parameter(ParameterSetName = HttpSet)]
    public SwitchParameter AllowRemote { get; set; }

    /// <summary>The bearer token requests must carry; with -AllowRemote and no token, one is made and shown once.</summary>
    [Parameter(ParameterSetName = HttpSet)]
    [ValidateNotNullOrEmpty]
    public string? Token { get; set; }

    private McpIndexServer server = null!;
    private TextWriter? console;
    private Stream? protocol;

    protected override void BeginProcessing()
    {
        if (ParameterSetName == StdioSet)
        {
            // From here on stdout carries the protocol alone: the raw stream goes to the transport, and Console.Out,
            // which the host and anything else print through (verbose lines of loading the model, warnings), points
            // to stderr until the command ends.
            protocol = Console.OpenStandardOutput();
            console = Console.Out;
            Console.SetOut(Console.Error);
        }

        base.BeginProcessing();
        var folder = GetUnresolvedProviderPathFromPSPath(Path);
        var index = new McpIndexAccess(folder, EmbedQueryAsync);
        try
        {
            // The index decides the model, as in Find-RagContext; opening it now fails at start, not at the first call.
            ModelName = index.ReadSettings().EmbeddingModel;
        }
        catch (RagIndexException ex)
        {
            ThrowTerminatingError(RagErrors.From(ex, ErrorIdPrefix));
        }

        // Loaded here, on the pipeline thread (a model may write verbose lines or stop the command), before the first call.
        _ = Provider;
        server = new McpIndexServer(index);
    }

    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (ParameterSetName == HttpSet)
        {
            ServeHttp();
        }
        else
        {
            ServeStdio();
        }
    }

    private async Task<float[]> EmbedQueryAsync(string query, CancellationToken cancellationToken) =>
        (await Provider.EmbedAsync([query], EmbeddingPurpose.Query, cancellationToken).ConfigureAwait(false))[0].Vector;

    private void ServeStdio()
    {
        var input = Console.OpenStandardInput();
        Diagnostic($"serving {server.Index.Folder} ({ModelName}) over stdio.");
        Run(async ct =>
        {
            await server.RunStdioAsync(input, protocol!, ct).ConfigureAwait(false);
            return true;
        });
    }

    private void ServeHttp()
    {
        var token = Token ?? (AllowRemote ? McpHttpSettings.NewToken() : null);
        var host = new McpHttpHost(server, new McpHttpSettings(Port, AllowRemote, token), Diagnostic);
        try
        {
            try
            {
                host.Start();
            }
            catch (IOException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ErrorIdPrefix + "PortUnavailable", ErrorCategory.ResourceUnavailable, Port));
            }

            var where = AllowRemote ? $"http://<this machine>:{Port}/mcp (every interface)" : host.Endpoint.ToString();
            Host.UI.WriteLine($"MixtralPS MCP server: serving {server.Index.Folder} at {where}. Ctrl+C stops it.");
            if (Token is null && token is not null)
            {
                // Shown once, here: it is kept nowhere else.
                Host.UI.WriteLine($"Bearer token (send it as 'Authorization: Bearer <token>'): {token}");
            }

            Run(async ct =>
            {
                await host.RunAsync(ct).ConfigureAwait(false);
                return true;
            });
        }
        finally
        {
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    protected override void ReleaseResources()
    {
        if (console is not null)
        {
            Console.SetOut(console);
            console = null;
        }

        base.ReleaseResources();
    }

    /// <summary>Diagnostics go to stderr in both transports: on stdio, stdout is the protocol's.</summary>
    private static void Diagnostic(string message) => Console.Error.WriteLine($"MixtralPS MCP server: {message}");
}
