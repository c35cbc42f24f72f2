using System.Management.Automation;
using System.Management.Automation.Host;
using MixtralPS.Core.Tools;

namespace MixtralPS.Tools;

/// <summary>
/// Whether a tool call may run, asked on the pipeline thread: ShouldProcess (-WhatIf, -Confirm), then in
/// Confirm mode ShouldContinue (Yes, Yes to All, No, No to All). One instance per chat, so "to All" holds for
/// every tool of the chat, PowerShell commands and MCP tools alike.
/// </summary>
internal sealed class ToolConsent(PSCmdlet cmdlet, ToolInvocationMode mode)
{
    private bool yesToAll;
    private bool noToAll;

    /// <returns>Null when the call may run, else the outcome of not running it.</returns>
    public ToolOutcome? Ask(string name, string display)
    {
        if (!cmdlet.ShouldProcess($"Running tool: {display}", $"Run the tool the model asks for: {display}?", "Run a tool", out var reason))
        {
            return reason == ShouldProcessReason.WhatIf
                ? ToolOutcome.NotRun($"What if: {display}")
                : ToolOutcome.Declined($"The user declined to run {name}.");
        }

        // -Confirm (or -Confirm:$false) has already decided; Confirm mode asks otherwise.
        if (mode != ToolInvocationMode.Confirm || cmdlet.MyInvocation.BoundParameters.ContainsKey("Confirm"))
        {
            return null;
        }

        try
        {
            return cmdlet.ShouldContinue($"The model asks to run:{Environment.NewLine}{display}", "Run a tool?", ref yesToAll, ref noToAll)
                ? null
                : ToolOutcome.Declined($"The user declined to run {name}.");
        }
        catch (Exception ex) when (ex is PSInvalidOperationException or HostException or NotImplementedException)
        {
            // A host that cannot prompt (pwsh -NonInteractive, a job) never runs a tool in Confirm mode.
            cmdlet.WriteWarning($"{name} was not run: this host cannot ask for confirmation. Use -InvokeTools Auto where no one can answer.");
            return ToolOutcome.Declined($"{name} was not run: the user could not be asked.");
        }
    }
}
