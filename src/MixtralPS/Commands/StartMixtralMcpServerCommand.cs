using System.Management.Automation;
using MixtralPS.Completion;
using MixtralPS.Core.Embeddings;
using MixtralPS.Core.Mcp;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;
using MixtralPS.Infrastructure;

namespace MixtralPS.Commands;

/// <summary>
/// Serves an index to editors and agents over the Model Context Protocol: tools search, get_document and
/// list_sources. Over stdio (what an editor launches) until the client closes the input, or with -Port over
/// Streamable HTTP at http://127.0.0.1:&lt;port&gt;/mcp until Ctrl+C.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "MixtralMcpServer", DefaultParameterSetName = "Path")]
public sealed class StartMixtralMcpServerCommand : EmbeddingCmdlet
{
    /// <summary>The index folder made by New-RagIndex.</summary>
    [Parameter(ParameterSetName = "Path", Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RagIndexPathCompleter))]
    public string? Path { get; set; }

    /// <summary>An Npgsql connection string of the PostgreSQL database holding the index (default: $env:MIXTRALPS_RAG_CONNECTION).</summary>
    [Parameter(ParameterSetName = "Database")]
    [ValidateNotNullOrEmpty]
    public string? ConnectionString { get; set; }

    /// <summary>The index's name in the database (default: default).</summary>
    [Parameter(ParameterSetName = "Database")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RagIndexNameCompleter))]
    public string? Name { get; set; }

    /// <summary>Serve over Streamable HTTP on this port of 127.0.0.1 instead of stdio.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int? Port { get; set; }

    /// <summary>With -Port: listen on every interface, not only loopback; every request must then carry the bearer token.</summary>
    [Parameter]
    public SwitchParameter AllowRemote { get; set; }

    /// <summary>With -Port: the bearer token requests must carry; with -AllowRemote and no token, one is made and shown once.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Token { get; set; }

    private McpIndexServer server = null!;

    /// <summary>The index's model, loaded on the pipeline thread (it may write verbose lines or stop the command); searches wait for it.</summary>
    private readonly TaskCompletionSource<IEmbeddingProvider> model = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TextWriter? console;
    private Stream? protocol;

    protected override void BeginProcessing()
    {
        if (Port is null && (AllowRemote || Token is not null))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-AllowRemote and -Token are for the HTTP transport: give -Port too."),
                ErrorIdPrefix + "NoPort", ErrorCategory.InvalidArgument, null));
        }

        if (Port is null)
        {
            // From here on stdout carries the protocol alone: the raw stream goes to the transport, and Console.Out,
            // which the host and anything else print through (verbose lines of loading the model, warnings), points
            // to stderr until the command ends.
            protocol = Console.OpenStandardOutput();
            console = Console.Out;
            Console.SetOut(Console.Error);
        }

        base.BeginProcessing();
        var index = new McpIndexAccess(RagIndexParameters.Resolve(this, Path, ConnectionString, Name), EmbedQueryAsync);
        try
        {
            // The index decides the model, as in Find-RagContext; opening it now fails at start, not at the first call.
            ModelName = Run(index.ReadSettingsAsync).EmbeddingModel;
        }
        catch (RagIndexException ex)
        {
            ThrowTerminatingError(RagErrors.From(ex, ErrorIdPrefix));
        }

        server = new McpIndexServer(index);
    }

    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (Port is { } port)
        {
            ServeHttp(port);
        }
        else
        {
            ServeStdio();
        }
    }

    private async Task<float[]> EmbedQueryAsync(string query, CancellationToken cancellationToken)
    {
        var provider = await model.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return (await provider.EmbedAsync([query], EmbeddingPurpose.Query, cancellationToken).ConfigureAwait(false))[0].Vector;
    }

    private void ServeStdio()
    {
        var input = Console.OpenStandardInput();
        Diagnostic($"serving {server.Index.Location.Display} ({ModelName}) over stdio.");
        using var serving = CancellationTokenSource.CreateLinkedTokenSource(StopToken);
        var running = Task.Run(() => server.RunStdioAsync(input, protocol!, serving.Token), CancellationToken.None);
        try
        {
            // The model loads while the client's handshake is answered, so an editor's first search comes sooner.
            model.TrySetResult(Provider);
            Run(async _ =>
            {
                await running.ConfigureAwait(false);
                return true;
            });
        }
        finally
        {
            serving.Cancel();
            model.TrySetCanceled();
            ((IAsyncResult)running).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5));
        }
    }

    private void ServeHttp(int port)
    {
        model.TrySetResult(Provider);
        var token = Token ?? (AllowRemote ? McpHttpSettings.NewToken() : null);
        var host = new McpHttpHost(server, new McpHttpSettings(port, AllowRemote, token), Diagnostic);
        try
        {
            try
            {
                host.Start();
            }
            catch (IOException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, ErrorIdPrefix + "PortUnavailable", ErrorCategory.ResourceUnavailable, port));
            }

            var where = AllowRemote ? $"http://<this machine>:{port}/mcp (every interface)" : host.Endpoint.ToString();
            Host.UI.WriteLine($"MixtralPS MCP server: serving {server.Index.Location.Display} at {where}. Ctrl+C stops it.");
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
