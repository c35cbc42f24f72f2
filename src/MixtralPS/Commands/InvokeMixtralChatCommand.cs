using System.Management.Automation;
using MixtralPS.Completion;
using MixtralPS.Core.Chat;
using MixtralPS.Core.Configuration;
using MixtralPS.Core.Models;
using MixtralPS.Core.Rag;
using MixtralPS.Infrastructure;

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
/// in them, with its sources.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "MixtralChat")]
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

    private ChatService chat = null!;
    private ChatOptions options = null!;
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
        };
        WriteVerbose($"Model {options.Model}.");
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
            var response = Stream ? RunStreamed(messages, sources) : Run(ct => chat.CompleteAsync(options, messages, ct, sources));
            WriteResponse(response);
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

    private ChatResponse RunStreamed(List<ChatMessage> messages, IReadOnlyList<string>? sources)
    {
        var updates = chat.StreamAsync(options, messages, StopToken, sources).GetAsyncEnumerator(StopToken);
        var wroteText = false;
        try
        {
            while (MoveNext(updates))
            {
                var update = updates.Current;
                if (update.Text.Length > 0)
                {
                    Host.UI.Write(update.Text);
                    wroteText = true;
                }

                if (update.Final is { } final)
                {
                    if (wroteText)
                    {
                        Host.UI.WriteLine();
                    }

                    return final;
                }
            }
        }
        catch (Exception) when (wroteText && !StopToken.IsCancellationRequested)
        {
            // The partial line stays on screen; end it so the error starts on a line of its own.
            Host.UI.WriteLine();
            throw;
        }
        finally
        {
            _ = updates.DisposeAsync();
        }

        throw new InvalidOperationException("The stream ended without a final response.");
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

        WriteObject(output);
    }

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
