using System.Management.Automation;
using MixtralPS.Completion;
using MixtralPS.Core.Chat;
using MixtralPS.Chat;
using MixtralPS.Core.Configuration;
using MixtralPS.Core.Input;
using MixtralPS.Core.Models;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Tools;
using MixtralPS.Infrastructure;
using MixtralPS.Input;
using MixtralPS.Tools;

namespace MixtralPS.Commands;

/// <summary>What form the answer should take.</summary>
public enum ChatResponseFormat
{
    Text,
    JsonObject,
}

/// <summary>
/// Sends a message to a Mistral model and returns its answer. Everything piped goes into one question, in
/// pipeline order: strings as text, objects as data, errors with their context; a piped response continues its
/// conversation; piped context chunks (Find-RagContext) ground the answer in them, with its sources. -Each asks
/// once per piped item instead. With -Tool the model may call commands; with -InvokeTools they run, and their
/// results go back to the model until it answers.
/// </summary>
/// <remarks>ShouldProcess covers each request (-WhatIf shows what would be sent and sends nothing) and each tool run.</remarks>
[Cmdlet(VerbsLifecycle.Invoke, "MixtralChat", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ChatResponse))]
public sealed partial class InvokeMixtralChatCommand : ChatCmdlet
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

    /// <summary>How piped objects are sent: Table (the properties their default view shows), Csv, Json, or Text (as Out-String shows them).</summary>
    [Parameter]
    public InputFormat InputFormat { get; set; } = InputFormat.Table;

    /// <summary>The most tokens of piped data to send; more is cut at an item boundary, with a warning.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MaxInputTokens { get; set; }

    /// <summary>One request per piped item instead of one over all of them; answers come in input order with their Input.</summary>
    [Parameter]
    public SwitchParameter Each { get; set; }

    /// <summary>With -Each, how many requests are in flight at once.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 4;

    private ChatOptions options = null!;
    private ToolSet? tools;
    private ToolLoop? toolLoop;
    private PipelineThreadDispatcher? dispatcher;
    private PipedInputReader input = null!;
    private ChatUpdateWriter writer = null!;
    private readonly List<PipedItem> items = [];
    private readonly List<RagContextChunk> context = [];
    private readonly List<ContentChunk> pipedAttachments = [];
    private IReadOnlyList<ChatMessage>? continued;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        var schema = ReadJsonSchema();
        ReadTools();
        CheckEach();
        ReadAttachments();
        OpenLoggedConversation();
        ConnectMcpServers();
        input = new PipedInputReader(this, InputFormat);
        writer = new ChatUpdateWriter(this, StopToken, ShowThinking);
        options = new ChatOptions
        {
            Model = ChatModel,
            Temperature = Temperature,
            TopP = TopP,
            MaxTokens = MaxTokens,
            RandomSeed = RandomSeed,
            SafePrompt = SafePrompt,
            Stop = Stop,
            JsonObject = ResponseFormat == ChatResponseFormat.JsonObject,
            JsonSchema = schema,
            Tools = ToolDefinitions(),
            ToolChoice = ToolChoice is null ? null : CreateToolChoice(),
            ParallelToolCalls = MyInvocation.BoundParameters.ContainsKey(nameof(ParallelToolCalls)) ? ParallelToolCalls.IsPresent : null,
            PromptMode = PromptMode,
            Prediction = Prediction,
        };
        WriteVerbose($"Model {options.Model}.");
        if ((tools is not null || mcpTools is not null) && InvokeTools != ToolInvocationMode.None)
        {
            dispatcher = new PipelineThreadDispatcher();
            toolLoop = new ToolLoop(Chat, CreateToolExecutor(dispatcher), new ToolLoopSettings { MaxRounds = MaxToolRounds });
        }
    }

    protected override void ProcessRecord()
    {
        PipedInput piped;
        try
        {
            piped = input.Read(InputObject);
        }
        catch (AttachmentException ex)
        {
            WriteError(new ErrorRecord(ex, ErrorIdPrefix + "InvalidAttachment", ErrorCategory.InvalidData, InputObject));
            return;
        }

        if (Each && !piped.IsEmpty)
        {
            if (piped.Item is PipedText { Text: var text } && string.IsNullOrWhiteSpace(text))
            {
                WriteVerbose("An empty piped item was skipped: no request is sent for it.");
                return;
            }

            AskEach(piped);
            return;
        }

        if (piped.History is { } history)
        {
            continued = history;
        }
        else if (piped.Context is { } chunk)
        {
            context.Add(chunk);
        }
        else if (piped.Item is { } item)
        {
            items.Add(item);
        }
        else if (piped.Attachment is { } attachment)
        {
            pipedAttachments.Add(attachment);
        }
    }

    protected override void EndProcessing()
    {
        if (items.All(i => i is PipedText { Text: var text } && string.IsNullOrWhiteSpace(text)))
        {
            // Blank lines alone are no input: nothing is sent for them.
            items.Clear();
        }

        if (Each && batch is not null)
        {
            FinishEach();
        }
        else if (items.Count == 0 && context.Count == 0 && continued is null && pipedAttachments.Count == 0 && MyInvocation.ExpectingInput)
        {
            WriteWarning("Nothing came down the pipeline (or only blank lines; did Find-RagContext find no context?), so nothing was asked.");
        }
        else if (Prepare(continued ?? loggedHistory ?? History, items, context, pipedAttachments, InputObject) is { } request)
        {
            Ask(request);
        }

        base.EndProcessing();
    }

    /// <summary>
    /// The request for one question: the instruction and the piped data fitted to the model, grounded in context
    /// chunks when there are any. Null when there is nothing to ask, or -WhatIf only shows it.
    /// </summary>
    private ChatRequest? Prepare(
        IReadOnlyList<ChatMessage>? history, IReadOnlyList<PipedItem> data, IReadOnlyList<RagContextChunk> chunks, IReadOnlyList<ContentChunk> attached, object? target)
    {
        var instruction = chunks.Count > 0 ? Message ?? chunks[0].Query : Message;
        attached = [.. attachments, .. attached];
        if (string.IsNullOrWhiteSpace(instruction) && data.Count == 0 && attached.Count == 0)
        {
            var noMessage = new ErrorRecord(
                new ArgumentException("Give a message: Invoke-MixtralChat 'your question', or pipe text into the command."),
                ErrorIdPrefix + "NoMessage", ErrorCategory.InvalidArgument, target);
            if (!MyInvocation.ExpectingInput)
            {
                ThrowTerminatingError(noMessage);
            }

            WriteError(noMessage);
            return null;
        }

        var earlier = ChatService.BuildMessages(history, SystemPrompt, chunks.Count > 0 ? string.Join("\n", chunks.Select(c => c.Text)) : null);
        var plan = Run(ct => ChatInputPlan.CreateAsync(options, earlier, instruction, data, InputFormat, MaxInputTokens,
            async (model, token) => (await ModelCards.GetAsync(Client, model, token).ConfigureAwait(false))?.MaxContextLength, ct));
        if ((string.IsNullOrWhiteSpace(plan.Prompt.Message) && attached.Count == 0) || (plan.Prompt.ItemsSent == 0 && plan.Prompt.ItemsTotal > 0))
        {
            WriteError(new ErrorRecord(
                new ArgumentException(plan.Prompt.ItemsTotal == 0 ? "The message is empty; give a question or text to send."
                    : $"The first piped item alone does not fit the model's context: {plan.CutWarning()}"),
                ErrorIdPrefix + (plan.Prompt.ItemsTotal == 0 ? "EmptyMessage" : "InputTooLarge"), ErrorCategory.InvalidArgument, target));
            return null;
        }

        var description = plan.Describe(options.Model) + (attached.Count == 0 ? "" : $", {attached.Count} attachment{(attached.Count == 1 ? "" : "s")} ({string.Join(", ", attached)})");
        WriteVerbose(description + (plan.Prompt.Redactions > 0 ? $"; {plan.Prompt.Redactions} secret-looking values redacted." : "."));
        if (plan.CutWarning() is { } cut)
        {
            WriteWarning(cut);
        }

        if (!ShouldProcess(description, "Send a chat request"))
        {
            return null;
        }

        WarnIfNoVision(attached);
        if (chunks.Count == 0)
        {
            return new ChatRequest(Messages(history, plan.Prompt.Message, attached), instruction ?? plan.Prompt.Message, null);
        }

        var (grounded, sources) = GroundedPrompt.WithSources(plan.Prompt.Message, chunks);
        WriteVerbose($"Grounding the answer in {chunks.Count} chunks from {sources.Count} sources.");
        return new ChatRequest(Messages(history, grounded, attached), instruction!, sources);
    }

    private void Ask(ChatRequest request)
    {
        requestClock.Restart();
        try
        {
            var response = toolLoop is not null ? RunTools(request.Messages, request.Sources)
                : Stream ? RunStreamed(request.Messages, request.Sources)
                : Run(ct => Chat.CompleteAsync(options, request.Messages, ct, request.Sources));
            WriteResponse(response, null);
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
            WriteItemError(ex, request.Target);
        }
    }

    private ChatResponse RunStreamed(List<ChatMessage> messages, IReadOnlyList<string>? sources) =>
        writer.Show(Pump(ct => Chat.StreamAsync(options, messages, ct, sources)).Select(ToolLoopUpdate.From),
            "The stream ended without a final response.");

    protected override void ReleaseResources()
    {
        StopMcpServers();
        dispatcher?.Dispose();
        batch?.Dispose();
        chatLog?.Dispose();
    }

    /// <summary>What one request sends: its messages, what an error names as its target, and a grounded answer's sources.</summary>
    private sealed record ChatRequest(List<ChatMessage> Messages, object Target, IReadOnlyList<string>? Sources);
}
