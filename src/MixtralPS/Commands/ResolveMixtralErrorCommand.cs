using System.Collections;
using System.Management.Automation;
using MixtralPS.Chat;
using MixtralPS.Completion;
using MixtralPS.Core.Chat;
using MixtralPS.Core.Configuration;
using MixtralPS.Core.Input;
using MixtralPS.Core.Models;
using MixtralPS.Core.Tools;
using MixtralPS.Infrastructure;
using MixtralPS.Input;

namespace MixtralPS.Commands;

/// <summary>
/// Asks a model what caused an error and how to fix it: a piped error record or exception, or else the newest
/// error of the session. The report sent (exception, error id, category, target, command line, script stack,
/// PowerShell and OS) has its secret-looking values replaced by [REDACTED] first.
/// </summary>
/// <remarks>ShouldProcess covers the request: -WhatIf tells how much would be sent, and sends nothing.</remarks>
[Cmdlet(VerbsDiagnostic.Resolve, "MixtralError", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ChatResponse))]
public sealed class ResolveMixtralErrorCommand : ChatCmdlet
{
    /// <summary>An ErrorRecord ($Error[0], $_ in a catch block, -ErrorVariable) or an exception; each is one question.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object? InputObject { get; set; }

    [Parameter]
    public SwitchParameter Stream { get; set; }

    private ChatOptions options = null!;
    private bool received;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        options = new ChatOptions { Model = ChatModel };
        WriteVerbose($"Model {options.Model}.");
    }

    protected override void ProcessRecord()
    {
        received = true;
        var error = InputObject ?? NewestSessionError();
        if (!ErrorReportReader.TryRead(error, out var report))
        {
            var type = (error is PSObject wrapped ? wrapped.BaseObject : error)?.GetType().FullName;
            WriteError(new ErrorRecord(
                new ArgumentException($"Resolve-MixtralError explains error records and exceptions ($Error[0], $_ in a catch block, -ErrorVariable); a {type} is neither."),
                ErrorIdPrefix + "NotAnError", ErrorCategory.InvalidArgument, error));
            return;
        }

        var redacted = SecretRedactor.Redact(report!.Render());
        WriteVerbose(redacted.Count switch
        {
            0 => "No secret-looking values were found in the report.",
            1 => $"1 secret-looking value was replaced by {SecretRedactor.Placeholder} before sending.",
            var n => $"{n} secret-looking values were replaced by {SecretRedactor.Placeholder} before sending.",
        });

        var prompt = ErrorPrompt.Build(redacted.Text, redacted.Count);
        var about = ErrorReport.Shorten(SecretRedactor.Redact($"{report.ExceptionType}: {FirstLine(report.Message)}").Text, 160);
        var action = $"Ask {options.Model} for the cause and a fix, sending {prompt.Length} characters" +
            (redacted.Count switch { 0 => "", 1 => " (1 secret-looking value redacted)", var n => $" ({n} secret-looking values redacted)" });
        if (!ShouldProcess($"{action}: {about}", $"{action}?", "Resolve-MixtralError", out var reason))
        {
            if (reason == ShouldProcessReason.WhatIf)
            {
                WriteVerbose("The request would carry:\n" + prompt);
            }

            return;
        }

        Ask(ChatService.BuildMessages(null, null, prompt), error);
    }

    protected override void EndProcessing()
    {
        if (!received && MyInvocation.ExpectingInput)
        {
            WriteWarning("No error came down the pipeline, so nothing was asked.");
        }

        base.EndProcessing();
    }

    /// <summary>The newest entry of $Error that is not this command's own failure; stops the command when there is none.</summary>
    private object NewestSessionError()
    {
        if (SessionState.PSVariable.GetValue("Error") is IList errors)
        {
            for (var i = 0; i < errors.Count; i++)
            {
                if (!IsOwn(errors[i]))
                {
                    WriteVerbose($"Explaining the newest error of the session, $Error[{i}].");
                    return errors[i]!;
                }
            }
        }

        ThrowTerminatingError(new ErrorRecord(
            new InvalidOperationException("There is no error to explain: $Error holds no errors of this session. Pipe one in ($Error[0], $_ in a catch block, or -ErrorVariable)."),
            ErrorIdPrefix + "NoError", ErrorCategory.ObjectNotFound, null));
        return null!;
    }

    private bool IsOwn(object? entry)
    {
        var record = (entry is PSObject wrapped ? wrapped.BaseObject : entry) switch
        {
            ErrorRecord r => r,
            IContainsErrorRecord c => c.ErrorRecord,
            _ => null,
        };
        return record?.InvocationInfo?.MyCommand?.Name == MyInvocation.MyCommand.Name;
    }

    private void Ask(List<ChatMessage> messages, object target)
    {
        try
        {
            WriteObject(Stream ? RunStreamed(messages) : Run(ct => Chat.CompleteAsync(options, messages, ct)));
        }
        catch (PipelineStoppedException)
        {
            throw;
        }
        catch (Exception ex)
        {
            WriteItemError(ex, target);
        }
    }

    /// <summary>Writes the answer to the console as it comes (the writer Invoke-MixtralChat uses) and returns the whole response.</summary>
    private ChatResponse RunStreamed(List<ChatMessage> messages) =>
        new ChatUpdateWriter(this, StopToken).Show(
            Pump(ct => Chat.StreamAsync(options, messages, ct)).Select(ToolLoopUpdate.From),
            "The stream ended without a final response.");

    private static string FirstLine(string text)
    {
        var end = text.AsSpan().IndexOfAny('\r', '\n');
        return end < 0 ? text : text[..end];
    }
}
