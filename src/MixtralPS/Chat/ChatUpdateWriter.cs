using System.Management.Automation;
using MixtralPS.Core.Tools;

namespace MixtralPS.Chat;

/// <summary>
/// Writes a chat as it happens: streamed text to the console as it comes, each tool run on a line of its own, and
/// hands back the final response. The stream path and the tool loop both write through it, so text shows once.
/// </summary>
internal sealed class ChatUpdateWriter(PSCmdlet cmdlet, CancellationToken stopToken, bool showThinking = false)
{
    /// <summary>A reasoning model's thinking, dimmed where the console can, so that the answer stands out.</summary>
    public void ShowThinking(string thinking)
    {
        var ui = cmdlet.Host.UI;
        ui.Write(ui.SupportsVirtualTerminal ? $"\u001b[2m{thinking}\u001b[22m" : thinking);
        if (!thinking.EndsWith('\n'))
        {
            ui.WriteLine();
        }
    }

    /// <summary>Writes the updates and returns the final response. A partial line left by a failure is ended, so the error starts on a line of its own.</summary>
    public Core.Chat.ChatResponse Show(IEnumerable<ToolLoopUpdate> updates, string endedWithout)
    {
        var ui = cmdlet.Host.UI;
        var wroteText = false;
        try
        {
            var thinking = false;
            foreach (var update in updates)
            {
                if (showThinking && update.Thinking.Length > 0)
                {
                    ui.Write(ui.SupportsVirtualTerminal ? $"\u001b[2m{update.Thinking}\u001b[22m" : update.Thinking);
                    thinking = wroteText = true;
                }

                if (thinking && update.Text.Length > 0)
                {
                    // The answer starts on a line of its own after the thinking.
                    ui.WriteLine();
                    thinking = false;
                }

                if (update.Text.Length > 0)
                {
                    ui.Write(update.Text);
                    wroteText = true;
                }

                if (wroteText && (update.Run is not null || update.Final is not null))
                {
                    ui.WriteLine();
                    wroteText = false;
                }

                if (update.Run is { } run)
                {
                    Report(run);
                }

                if (update.Final is { } final)
                {
                    return final;
                }
            }
        }
        catch (Exception) when (wroteText && !stopToken.IsCancellationRequested)
        {
            ui.WriteLine();
            throw;
        }

        throw new InvalidOperationException(endedWithout);
    }

    private void Report(ToolRun run)
    {
        switch (run.Outcome)
        {
            case ToolOutcomeKind.Succeeded:
                cmdlet.WriteVerbose($"Tool round {run.Round}: ran {run.Call}; {run.Content.Length} characters went back.");
                break;
            case ToolOutcomeKind.Failed:
                cmdlet.WriteWarning($"Tool call {run.Call}: {run.Message} The model was told.");
                break;
            case ToolOutcomeKind.Declined:
                cmdlet.WriteVerbose($"Tool round {run.Round}: {run.Call} was not run: {run.Message}");
                break;
        }

        if (run.CutFromLength is { } length)
        {
            cmdlet.WriteWarning($"The result of {run.Call.Name} had {length} characters; only the first {ToolLoopSettings.DefaultMaxResultChars} were sent, with a note that it was cut.");
        }
    }
}
