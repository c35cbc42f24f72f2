using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using MixtralPS.CommandRequests;
using MixtralPS.Completion;
using MixtralPS.Core.Chat;
using MixtralPS.Core.CommandRequests;
using MixtralPS.Core.Configuration;
using MixtralPS.Infrastructure;

namespace MixtralPS.Commands;

/// <summary>
/// Asks the model for one PowerShell command that does what a request says, for this platform, and returns it
/// checked: parsed (one retry with the parse error), commands missing here named, state changes listed.
/// Nothing runs unless -Run is given (through ShouldProcess, high impact); -Edit puts the command at the next prompt.
/// </summary>
[Cmdlet(VerbsDiagnostic.Resolve, "MixtralCommand", DefaultParameterSetName = SuggestSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(CommandSuggestion))]
public sealed class ResolveMixtralCommandCommand : ChatCmdlet
{
    private const string SuggestSet = "Suggest";
    private const string RunSet = "Run";
    private const string EditSet = "Edit";

    /// <summary>What the command should do, in words; each piped string is one request.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string Request { get; set; } = "";

    /// <summary>Runs a valid command in this session after confirmation, writing its output instead of the suggestion.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RunSet)]
    public SwitchParameter Run { get; set; }

    /// <summary>Puts the command at the next prompt (PSReadLine) to change or run.</summary>
    [Parameter(Mandatory = true, ParameterSetName = EditSet)]
    public SwitchParameter Edit { get; set; }

    private CommandResolver resolver = null!;
    private ChatOptions options = null!;
    private CommandContext context = null!;
    private bool edited;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        resolver = new CommandResolver(Chat);
        options = CommandPrompt.Options(ChatModel);
        var version = (SessionState.PSVariable.GetValue("PSVersionTable") as Hashtable)?["PSVersion"]?.ToString() ?? "7";
        context = CommandContext.ForThisComputer(version);
        WriteVerbose($"Model {options.Model}; asking for a command for {context.Platform}, PowerShell {context.PowerShellVersion}.");
    }

    protected override void ProcessRecord()
    {
        CommandResolution resolution;
        try
        {
            resolution = base.Run(ct => resolver.ResolveAsync(options, CommandPrompt.Messages(context, Request), CommandCheck.FindParseError, ct));
        }
        catch (PipelineStoppedException)
        {
            throw;
        }
        catch (Exception ex)
        {
            WriteItemError(ex, Request);
            return;
        }

        // Command lookups need the session, so they are made here, on the pipeline thread.
        var check = CommandCheck.Run(resolution.Command, resolution.ParseError, name => InvokeCommand.GetCommand(name, CommandTypes.All));
        var suggestion = new CommandSuggestion
        {
            Request = Request,
            Command = resolution.Command,
            Explanation = resolution.Explanation,
            ParseError = check.ParseError,
            MissingCommands = check.MissingCommands,
            Changes = check.Changes,
            Model = resolution.Model,
            Attempts = resolution.Attempts,
        };
        Report(suggestion);

        if (Run)
        {
            RunCommand(suggestion);
            return;
        }

        if (Edit)
        {
            PutAtPrompt(suggestion);
        }

        WriteObject(suggestion);
    }

    private void Report(CommandSuggestion suggestion)
    {
        if (suggestion.Attempts > 1)
        {
            WriteVerbose("The first answer was sent back to be corrected: it had no command, or one that did not parse.");
        }

        if (suggestion.ParseError is { } error)
        {
            WriteVerbose($"The command does not parse: {error}");
        }

        if (suggestion.MissingCommands.Count > 0)
        {
            WriteVerbose($"Not found here: {string.Join(", ", suggestion.MissingCommands)}.");
        }

        WriteVerbose(suggestion.Changes.Count == 0 ? "Changes: none found." : $"Changes: {string.Join("; ", suggestion.Changes)}.");
    }

    private void RunCommand(CommandSuggestion suggestion)
    {
        if (!suggestion.Valid)
        {
            var reason = suggestion.ParseError ?? $"these commands do not exist here: {string.Join(", ", suggestion.MissingCommands)}.";
            WriteError(new ErrorRecord(
                new InvalidOperationException($"The suggested command was not run: {reason} The suggestion is the error's target object."),
                ErrorIdPrefix + "InvalidCommand", ErrorCategory.InvalidResult, suggestion));
            return;
        }

        var changes = suggestion.Changes.Count == 0 ? "" : $" It changes: {string.Join("; ", suggestion.Changes)}.";
        if (!ShouldProcess(suggestion.Command + changes, "Run"))
        {
            return;
        }

        WriteVerbose($"Running: {suggestion.Command}");
        try
        {
            // In the caller's scope, as if typed at the prompt; its errors go to this command's error stream.
            var output = InvokeCommand.InvokeScript(false, InvokeCommand.NewScriptBlock(suggestion.Command), null);
            WriteObject(output, enumerateCollection: true);
        }
        catch (RuntimeException ex) when (ex is not PipelineStoppedException)
        {
            WriteError(new ErrorRecord(ex.ErrorRecord, ex));
        }
    }

    /// <summary>
    /// PSReadLine raises PowerShell.OnIdle while it waits at the prompt, so a one-time handler can insert the
    /// command there once this pipeline has ended.
    /// </summary>
    private void PutAtPrompt(CommandSuggestion suggestion)
    {
        if (suggestion.Command.Length == 0)
        {
            WriteWarning("There is no command to put at the prompt.");
            return;
        }

        var why = Console.IsInputRedirected || !Environment.UserInteractive || Host.Name != "ConsoleHost"
            ? "this is not an interactive console"
            : !PSReadLineLoaded() ? "PSReadLine is not loaded" : null;
        if (why is not null)
        {
            WriteWarning($"-Edit cannot put the command at the prompt: {why}. The suggestion is returned; its Command property holds the command.");
            return;
        }

        if (edited)
        {
            WriteWarning("Only the first command goes to the prompt; the others are returned.");
            return;
        }

        // The command goes into the action as a single-quoted literal, so nothing of it is evaluated on the way.
        var literal = CodeGeneration.EscapeSingleQuotedStringContent(suggestion.Command);
        InvokeCommand.InvokeScript(
            "Register-EngineEvent -SourceIdentifier PowerShell.OnIdle -MaxTriggerCount 1 " +
            $"-Action {{ [Microsoft.PowerShell.PSConsoleReadLine]::Insert('{literal}') }} | Out-Null");
        edited = true;
    }

    private static bool PSReadLineLoaded() =>
        AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetType("Microsoft.PowerShell.PSConsoleReadLine", throwOnError: false) is not null);
}
