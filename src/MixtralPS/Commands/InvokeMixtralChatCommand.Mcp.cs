using System.Management.Automation;
using MixtralPS.Core.Mcp;
using MixtralPS.Core.Models;
using MixtralPS.Core.Tools;
using MixtralPS.Tools;

namespace MixtralPS.Commands;

/// <summary>MCP servers' tools (-McpServer): started with the chat, offered beside -Tool, stopped with it.</summary>
public sealed partial class InvokeMixtralChatCommand
{
    /// <summary>MCP servers whose tools the model may call: each a command line (run over stdio) or an http(s) URL.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? McpServer { get; set; }

    private McpToolCatalog? mcpTools;

    /// <summary>Starts or reaches the servers and lists their tools; one that does not start stops the command, named.</summary>
    private void ConnectMcpServers()
    {
        if (McpServer is null)
        {
            return;
        }

        List<McpServerAddress> addresses = [];
        try
        {
            addresses = McpServer.Select(McpServerAddress.Parse).ToList();
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIdPrefix + "InvalidMcpServer", ErrorCategory.InvalidArgument, McpServer));
        }

        try
        {
            mcpTools = Run(ct => McpToolCatalog.ConnectAsync(addresses, TimeSpan.FromSeconds(TimeoutSec), LogFromAnyThread, ct));
        }
        catch (McpServerException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIdPrefix + "McpServerFailed", ErrorCategory.ConnectionError, ex.Server));
        }

        foreach (var entry in mcpTools!.Tools.Values)
        {
            if (tools?.ByName.ContainsKey(entry.ChatName) == true)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"The -Tool '{entry.ChatName}' has the name of a tool of the MCP server '{entry.Server.Address}'; give it another name: @{{ Command = ...; Name = '...' }}."),
                    ErrorIdPrefix + "InvalidTool", ErrorCategory.InvalidArgument, entry.ChatName));
            }

            WriteVerbose($"Tool {entry.ChatName}: {entry.Tool.Name} of the MCP server {entry.Server.Name} ({entry.Server.Address}); parameters {entry.Tool.InputSchema.GetRawText()}");
        }
    }

    /// <summary>The tools offered: -Tool's, then the MCP servers'; null when there are none.</summary>
    private IReadOnlyList<Tool>? ToolDefinitions() =>
        tools is null && mcpTools is null ? null : [.. tools?.Definitions ?? [], .. mcpTools?.Definitions() ?? []];

    /// <summary>What runs the tools the model asks for: commands, MCP tools, or both, under one consent.</summary>
    private IToolExecutor CreateToolExecutor(PipelineThreadDispatcher pipelineThread)
    {
        var consent = new ToolConsent(this, InvokeTools);
        var commands = tools is null ? null : new PowerShellToolExecutor(this, tools.ByName, consent, pipelineThread);
        return mcpTools is null ? commands! : new McpToolExecutor(this, mcpTools, commands, consent, pipelineThread, ErrorIdPrefix);
    }

    /// <summary>Stops the chat's servers, whether it ended, failed or was stopped: no process is left behind.</summary>
    private void StopMcpServers()
    {
        var catalog = mcpTools;
        mcpTools = null;
        catalog?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
