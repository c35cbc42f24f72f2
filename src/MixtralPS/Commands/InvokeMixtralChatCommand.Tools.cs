using System.Management.Automation;
using MixtralPS.Core.Chat;
using MixtralPS.Core.Models;
using MixtralPS.Core.Tools;
using MixtralPS.Tools;

namespace MixtralPS.Commands;

/// <summary>Function calling: the tools offered to the model (-Tool, -ToolChoice) and the loop that runs them (-InvokeTools).</summary>
public sealed partial class InvokeMixtralChatCommand
{
    private void ReadTools()
    {
        if (Tool is null)
        {
            if (McpServer is null && (InvokeTools != ToolInvocationMode.None || ToolChoice is not null))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("-InvokeTools and -ToolChoice need tools: pass -Tool (Get-Command Get-Thing) or -McpServer."),
                    ErrorIdPrefix + "NoTool", ErrorCategory.InvalidArgument, null));
            }

            return;
        }

        try
        {
            tools = ToolSet.Read(Tool, name => InvokeCommand.GetCommand(name, CommandTypes.All));
        }
        catch (Exception ex) when (ex is ArgumentException or RuntimeException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIdPrefix + "InvalidTool", ErrorCategory.InvalidArgument, Tool));
        }

        foreach (var tool in tools!.ByName.Values)
        {
            WriteVerbose($"Tool {tool.Name}" + (tool.Command is null ? " (a definition only)" : $": runs {tool.Command.CommandType} {tool.Command.Name}") +
                $"; parameters {tool.Definition.Function.Parameters.GetRawText()}");
        }
    }

    private System.Text.Json.JsonElement? CreateToolChoice()
    {
        try
        {
            return ToolChoices.Create(ToolChoice!, ToolDefinitions() ?? []);
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIdPrefix + "InvalidToolChoice", ErrorCategory.InvalidArgument, ToolChoice));
            return null;
        }
    }

    /// <summary>
    /// Runs the tool loop of the core. Its executor hands each tool run to this thread, which does it while
    /// waiting for the loop's next step; text, tool runs and the answer are written here too.
    /// </summary>
    private ChatResponse RunTools(List<ChatMessage> messages, IReadOnlyList<string>? sources) =>
        writer.Show(ToolUpdates(messages, sources), "The tool loop ended without a final response.");

    private IEnumerable<ToolLoopUpdate> ToolUpdates(List<ChatMessage> messages, IReadOnlyList<string>? sources)
    {
        var updates = toolLoop!.RunAsync(options, messages, Stream, sources, StopToken).GetAsyncEnumerator(StopToken);
        try
        {
            while (MoveNextPumping(updates))
            {
                yield return updates.Current;
            }
        }
        finally
        {
            _ = updates.DisposeAsync();
        }
    }

    private bool MoveNextPumping<T>(IAsyncEnumerator<T> enumerator)
    {
        var step = enumerator.MoveNextAsync().AsTask();
        dispatcher!.Wait(step, DrainVerbose);
        DrainVerbose();
        try
        {
            return step.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException ex) when (StopToken.IsCancellationRequested || ex.InnerException is PipelineStoppedException)
        {
            throw new PipelineStoppedException();
        }
    }
}
