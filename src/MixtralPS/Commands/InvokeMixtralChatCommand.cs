using System.Management.Automation;
using MixtralPS.Completion;
using MixtralPS.Core.Chat;
using MixtralPS.Core.Configuration;
using MixtralPS.Core.Models;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Tools;
using MixtralPS.Infrastructure;
using MixtralPS.Tools;

namespace MixtralPS.Commands;

/// <summary>What form the answer should take.</summary>
public enum ChatResponseFormat
{
    Text,
    JsonObject,
}

/// <summary>
/// Sends a message to a Mistral model and returns its answer. Piped strings are messages (one chat each);
/// a piped response continues its conversation; piped context chunks (Find-RagContext) ground one answer
/// in them, with its sources. With -Tool the model may call commands; with -InvokeTools they run, and their
/// results go back to the model until it answers.
/// </summary>
/// <remarks>ShouldProcess covers the tool runs only: -WhatIf shows the calls the model asks for and runs none.</remarks>
[Cmdlet(VerbsLifecycle.Invoke, "MixtralChat", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ChatResponse))]
public sealed class InvokeMixtralChatCommand : MixtralApiCmdlet
{
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Message { get; set; }

    /// <summary>A message (string), an earlier response whose conversation goes on, or context chunks from Find-RagContext.</summary>
    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SystemPrompt { get; set; }

    /// <summary>Earlier messages of the conversation (for example a response's History).</summary>
    [Parameter]
    public ChatMessage[]? History { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ChatModelCompleter))]
    public string? Model { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.5)]
    public double? Temperature { get; set; }

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double? TopP { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MaxTokens { get; set; }

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? RandomSeed { get; set; }

    [Parameter]
    public SwitchParameter SafePrompt { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Stop { get; set; }

    [Parameter]
    public ChatResponseFormat ResponseFormat { get; set; } = ChatResponseFormat.Text;

    /// <summary>A JSON schema (hashtable or JSON text) the answer must follow; the answer comes back parsed.</summary>
    [Parameter]
    [ValidateNotNull]
    public object? JsonSchema { get; set; }

    [Parameter]
    public SwitchParameter Stream { get; set; }

    /// <summary>Commands the model may call (Get-Command output or names), hashtables @{ Command; ParameterSet; Name;
    /// Description }, or definitions @{ Name; Description; Parameters = <JSON schema> }.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public object[]? Tool { get; set; }

    /// <summary>auto, any, none, required, or the name of the one tool the model must call.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ToolChoiceCompleter))]
    public string? ToolChoice { get; set; }

    /// <summary>Whether the model may ask for several tools at once; sent only when given.</summary>
    [Parameter]
    public SwitchParameter ParallelToolCalls { get; set; }

    /// <summary>None: return the calls. Confirm: ask before each. Auto: run them.</summary>
    [Parameter]
    public ToolInvocationMode InvokeTools { get; set; } = ToolInvocationMode.None;

    /// <summary>Tool rounds before giving up, when the model keeps calling tools.</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int MaxToolRounds { get; set; } = ToolLoopSettings.DefaultMaxRounds;

    private ChatService chat = null!;
    private ChatOptions options = null!;
    private ToolSet? tools;
    private ToolLoop? toolLoop;
    private PipelineThreadDispatcher? dispatcher;
    private readonly List<RagContextChunk> context = [];
    private bool received;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        chat = new ChatService(Client);
        System.Text.Json.JsonElement? schema = null;
        if (JsonSchema is not null)
        {
            try
            {
                schema = PSJson.ToJsonElement(JsonSchema);
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or ArgumentException)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"-JsonSchema is not a valid JSON schema: {ex.Message}", ex),
                    ErrorIdPrefix + "InvalidJsonSchema", ErrorCategory.InvalidArgument, JsonSchema));
            }

            if (schema?.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("-JsonSchema must be a JSON object (a hashtable or JSON text), such as @{ type = 'object'; properties = @{ name = @{ type = 'string' } } }."),
                    ErrorIdPrefix + "InvalidJsonSchema", ErrorCategory.InvalidArgument, JsonSchema));
            }
        }

        ReadTools();
        options = new ChatOptions
        {
            Model = Model ?? MixtralEnvironment.ChatModel,
            Temperature = Temperature,
            TopP = TopP,
            MaxTokens = MaxTokens,
            RandomSeed = RandomSeed,
            SafePrompt = SafePrompt,
            Stop = Stop,
            JsonObject = ResponseFormat == ChatResponseFormat.JsonObject,
            JsonSchema = schema,
            Tools = tools?.Definitions,
            ToolChoice = ToolChoice is null ? null : CreateToolChoice(),
            ParallelToolCalls = MyInvocation.BoundParameters.ContainsKey(nameof(ParallelToolCalls)) ? ParallelToolCalls.IsPresent : null,
        };
        WriteVerbose($"Model {options.Model}.");
        if (tools is not null && InvokeTools != ToolInvocationMode.None)
        {
            dispatcher = new PipelineThreadDispatcher();
            var executor = new PowerShellToolExecutor(this, tools.ByName, InvokeTools, dispatcher);
            toolLoop = new ToolLoop(chat, executor, new ToolLoopSettings { MaxRounds = MaxToolRounds });
        }
    }

    private void ReadTools()
    {
        if (Tool is null)
        {
            if (InvokeTools != ToolInvocationMode.None || ToolChoice is not null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("-InvokeTools and -ToolChoice need tools: pass -Tool (Get-Command Get-Thing)."),
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
            return ToolChoices.Create(ToolChoice!, tools!.Definitions);
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIdPrefix + "InvalidToolChoice", ErrorCategory.InvalidArgument, ToolChoice));
            return null;
        }
    }

    protected override void ProcessRecord()
    {
        received = true;
        if (InputObject?.BaseObject is RagContextChunk chunk)
        {
            // Context is gathered; the one grounded question is asked when the pipeline ends.
            context.Add(chunk);
            return;
        }

        var (history, text) = Interpret(InputObject?.BaseObject);
        var message = Message is null ? text : text is null ? Message : Message + "\n\n" + text;
        if (string.IsNullOrWhiteSpace(message))
        {
            if (InputObject is null && Message is null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("Give a message: Invoke-MixtralChat 'your question', or pipe text into the command."),
                    ErrorIdPrefix + "NoMessage", ErrorCategory.InvalidArgument, null));
            }

            WriteError(new ErrorRecord(
                new ArgumentException("The message is empty; give a question or text to send."),
                ErrorIdPrefix + "EmptyMessage", ErrorCategory.InvalidArgument, InputObject));
            return;
        }

        Ask(ChatService.BuildMessages(history ?? History, SystemPrompt, message), message, sources: null);
    }

    protected override void EndProcessing()
    {
        if (context.Count > 0)
        {
            var question = Message ?? context[0].Query;
            var (grounded, sources) = GroundedPrompt.WithSources(question, context);
            WriteVerbose($"Grounding the answer in {context.Count} chunks from {sources.Count} sources.");
            Ask(ChatService.BuildMessages(History, SystemPrompt, grounded), question, sources);
        }
        else if (!received && MyInvocation.ExpectingInput)
        {
            WriteWarning("Nothing came down the pipeline (did Find-RagContext find no context?), so nothing was asked.");
        }

        base.EndProcessing();
    }

    private void Ask(List<ChatMessage> messages, string target, IReadOnlyList<string>? sources)
    {
        try
        {
            var response = toolLoop is not null ? RunTools(messages, sources)
                : Stream ? RunStreamed(messages, sources)
                : Run(ct => chat.CompleteAsync(options, messages, ct, sources));
            WriteResponse(response);
        }
        catch (PipelineStoppedException)
        {
            throw;
        }
        catch (ToolRoundLimitException ex)
        {
            // The conversation so far is kept in the error, to read or to continue from.
            WriteError(new ErrorRecord(ex, ErrorIdPrefix + "ToolRoundLimit", ErrorCategory.LimitsExceeded, ex.Response)
            {
                ErrorDetails = new ErrorDetails(ex.Message)
                {
                    RecommendedAction = "Raise -MaxToolRounds, or look at the calls in the error's TargetObject (ToolRuns, History).",
                },
            });
        }
        catch (Exception ex)
        {
            WriteItemError(ex, target);
        }
    }

    private ChatResponse RunStreamed(List<ChatMessage> messages, IReadOnlyList<string>? sources) =>
        Show(Pump(ct => chat.StreamAsync(options, messages, ct, sources)).Select(u => new ToolLoopUpdate(u.Text, null, u.Final)),
            "The stream ended without a final response.");

    /// <summary>
    /// Runs the tool loop of the core. Its executor hands each tool run to this thread, which does it while
    /// waiting for the loop's next step; text, tool runs and the answer are written here too.
    /// </summary>
    private ChatResponse RunTools(List<ChatMessage> messages, IReadOnlyList<string>? sources) =>
        Show(ToolUpdates(messages, sources), "The tool loop ended without a final response.");

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

    /// <summary>
    /// Writes streamed text to the console as it comes, each tool run on a line of its own, and returns the final
    /// response. A partial line left by a failure is ended, so the error starts on a line of its own.
    /// </summary>
    private ChatResponse Show(IEnumerable<ToolLoopUpdate> updates, string endedWithout)
    {
        var wroteText = false;
        try
        {
            foreach (var update in updates)
            {
                if (update.Text.Length > 0)
                {
                    Host.UI.Write(update.Text);
                    wroteText = true;
                }

                if (wroteText && (update.Run is not null || update.Final is not null))
                {
                    Host.UI.WriteLine();
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
        catch (Exception) when (wroteText && !StopToken.IsCancellationRequested)
        {
            Host.UI.WriteLine();
            throw;
        }

        throw new InvalidOperationException(endedWithout);
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

    private void Report(ToolRun run)
    {
        switch (run.Outcome)
        {
            case ToolOutcomeKind.Succeeded:
                WriteVerbose($"Tool round {run.Round}: ran {run.Call}; {run.Content.Length} characters went back.");
                break;
            case ToolOutcomeKind.Failed:
                WriteWarning($"Tool call {run.Call}: {run.Message} The model was told.");
                break;
            case ToolOutcomeKind.Declined:
                WriteVerbose($"Tool round {run.Round}: {run.Call} was not run: {run.Message}");
                break;
        }

        if (run.CutFromLength is { } length)
        {
            WriteWarning($"The result of {run.Call.Name} had {length} characters; only the first {ToolLoopSettings.DefaultMaxResultChars} were sent, with a note that it was cut.");
        }
    }

    private void WriteResponse(ChatResponse response)
    {
        if (response.FinishReason == "length")
        {
            WriteWarning($"The answer was cut at the token limit ({response.Usage.CompletionTokens} tokens); raise -MaxTokens for a complete answer.");
        }

        var output = new PSObject(response);
        if (options.WantsJson)
        {
            if (response.Json is { } json)
            {
                output.Properties.Add(new PSNoteProperty("Data", PSJson.ToPSObject(json)));
            }
            else
            {
                WriteWarning("JSON output was asked for, but the answer is not valid JSON; it is in the Content property as text.");
            }
        }

        if (response.ToolCalls.Count > 0)
        {
            WriteVerbose($"The model asks to run: {string.Join("; ", response.ToolCalls)}." +
                (InvokeTools == ToolInvocationMode.None ? " Add -InvokeTools Confirm or Auto to run them." : ""));
        }

        WriteObject(output);
    }

    protected override void ReleaseResources() => dispatcher?.Dispose();

    /// <summary>A piped string is a message; a piped response brings its conversation.</summary>
    private static (IReadOnlyList<ChatMessage>? History, string? Text) Interpret(object? input) => input switch
    {
        null => (null, null),
        ChatResponse response => (response.History, null),
        ChatMessage[] messages => (messages, null),
        string text => (null, text),
        _ => (null, LanguagePrimitives.ConvertTo<string>(input)),
    };
}
