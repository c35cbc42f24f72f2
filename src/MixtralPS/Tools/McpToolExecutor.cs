using System.Management.Automation;
using MixtralPS.Core.Mcp;
using MixtralPS.Core.Tools;

namespace MixtralPS.Tools;

/// <summary>
/// Runs the tools of a chat's MCP servers, and hands the others to the PowerShell executor. Consent is asked on
/// the pipeline thread, as for commands; the call itself runs off it, so a slow server never blocks the prompt or
/// Ctrl+C. A server that has gone away is an error record naming it, and the model is told the tool failed.
/// </summary>
internal sealed class McpToolExecutor(
    PSCmdlet cmdlet, McpToolCatalog catalog, IToolExecutor? commands, ToolConsent consent, PipelineThreadDispatcher dispatcher, string errorIdPrefix)
    : IToolExecutor
{
    public async Task<ToolOutcome> ExecuteAsync(ToolCallRequest call, CancellationToken cancellationToken)
    {
        if (!catalog.Tools.TryGetValue(call.Name, out var entry))
        {
            return commands is not null
                ? await commands.ExecuteAsync(call, cancellationToken).ConfigureAwait(false)
                : ToolOutcome.Failure($"There is no tool named '{call.Name}'.");
        }

        var display = $"{entry.Tool.Name} {call.ArgumentsJson} (MCP server {entry.Server.Name})";
        var refusal = await dispatcher.InvokeAsync(() => Ask(call.Name, display), cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        try
        {
            return await catalog.CallAsync(entry, call.ArgumentsJson, cancellationToken).ConfigureAwait(false);
        }
        catch (McpServerException ex)
        {
            await dispatcher.InvokeAsync(() => WriteServerError(ex), cancellationToken).ConfigureAwait(false);
            return ToolOutcome.Failure(ex.Message);
        }
    }

    private ToolOutcome? Ask(string name, string display)
    {
        try
        {
            return consent.Ask(name, display);
        }
        catch (PipelineStoppedException ex)
        {
            // Ctrl+C at the prompt: a stop, never a tool failure.
            throw new OperationCanceledException("The pipeline was stopped while asking to run a tool.", ex);
        }
    }

    private bool WriteServerError(McpServerException ex)
    {
        cmdlet.WriteError(new ErrorRecord(ex, errorIdPrefix + "McpServerFailed", ErrorCategory.ConnectionError, ex.Server));
        return true;
    }
}
