using System.Runtime.CompilerServices;
using MixtralPS.Core.Chat;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Tools;

/// <summary>
/// A chat in which the model may call tools: ask, run the calls it makes through the executor, send each
/// result back as a tool message, and ask again until it answers or the round limit is reached.
/// </summary>
/// <remarks>
/// The loop is an async stream so that its consumer sees text and tool runs as they happen, on its own
/// thread; the executor is awaited, so an executor that must run on a particular thread can hand the work
/// over and complete the task from there.
/// </remarks>
public sealed class ToolLoop
{
    private readonly ChatService chat;
    private readonly IToolExecutor executor;
    private readonly ToolLoopSettings settings;

    public ToolLoop(ChatService chat, IToolExecutor executor, ToolLoopSettings? settings = null)
    {
        this.chat = chat ?? throw new ArgumentNullException(nameof(chat));
        this.executor = executor ?? throw new ArgumentNullException(nameof(executor));
        this.settings = settings ?? new ToolLoopSettings();
        this.settings.Validate();
    }

    /// <param name="stream">Stream each request, passing its text on as it arrives.</param>
    /// <param name="sources">For a grounded answer, the sources numbered in the prompt; they come back on the response.</param>
    public async IAsyncEnumerable<ToolLoopUpdate> RunAsync(
        ChatOptions options, IReadOnlyList<ChatMessage> messages, bool stream = false, IReadOnlyList<string>? sources = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(messages);

        // Only the tools offered in this request can run, matched by their exact name.
        var offered = (options.Tools ?? []).Select(t => t.Function.Name).ToList();
        var history = messages;
        var runs = new List<ToolRun>();
        var usage = new UsageInfo();
        for (var round = 1; ; round++)
        {
            ChatResponse? response = null;
            if (stream)
            {
                await foreach (var update in chat.StreamAsync(options, history, cancellationToken, sources).ConfigureAwait(false))
                {
                    if (update.Text.Length > 0 || update.Thinking.Length > 0)
                    {
                        yield return new ToolLoopUpdate(update.Text, null, null, update.Thinking);
                    }

                    response = update.Final ?? response;
                }
            }
            else
            {
                response = await chat.CompleteAsync(options, history, cancellationToken, sources).ConfigureAwait(false);
            }

            if (response is null)
            {
                throw new InvalidOperationException("The chat ended without a response.");
            }

            Add(usage, response.Usage);
            if (response.ToolCalls.Count == 0)
            {
                yield return ToolLoopUpdate.Answered(response.WithToolRuns(runs, usage));
                yield break;
            }

            var answered = response.History.ToList();
            if (round > settings.MaxRounds)
            {
                // The calls are answered as not run so that the kept history can be continued: the API
                // refuses a conversation whose tool calls have no results.
                var refusal = ToolResultText.Error($"Not run: the limit of {settings.MaxRounds} tool rounds was reached.");
                answered.AddRange(response.ToolCalls.Select(c => ResultMessage(c, refusal)));
                throw new ToolRoundLimitException(settings.MaxRounds, response.WithToolRuns(runs, usage, answered));
            }

            var shownOnly = false;
            foreach (var call in response.ToolCalls)
            {
                var run = await RunOneAsync(call, round, offered, cancellationToken).ConfigureAwait(false);
                runs.Add(run);
                yield return ToolLoopUpdate.Ran(run);
                shownOnly |= run.Outcome == ToolOutcomeKind.NotRun;
                answered.Add(ResultMessage(call, run.Content));
            }

            if (shownOnly)
            {
                // -WhatIf: the calls were shown, none ran, so there is nothing to send back.
                yield return ToolLoopUpdate.Answered(response.WithToolRuns(runs, usage));
                yield break;
            }

            history = answered;
        }
    }

    private async Task<ToolRun> RunOneAsync(ToolCallRequest call, int round, List<string> offered, CancellationToken cancellationToken)
    {
        ToolOutcome outcome;
        if (!offered.Contains(call.Name, StringComparer.Ordinal))
        {
            // A name the model made up (or misspelt) is answered, never looked up.
            outcome = ToolOutcome.Failure($"There is no tool named '{call.Name}'. The tools are: {string.Join(", ", offered)}.");
        }
        else if (call.ArgumentsError is { } error)
        {
            outcome = ToolOutcome.Failure($"{error}. Call {call.Name} again with its arguments as a JSON object.");
        }
        else
        {
            try
            {
                outcome = await executor.ExecuteAsync(call, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Executors answer their tools' failures themselves; this is the backstop for their own.
                outcome = ToolOutcome.Failure($"{call.Name} failed: {ex.Message}");
            }
        }

        var (content, cutFrom) = outcome.Kind == ToolOutcomeKind.NotRun
            ? (outcome.Content, null)
            : ToolResultText.Cap(outcome.Content, settings.MaxResultChars);
        return new ToolRun
        {
            Round = round,
            Call = call,
            Outcome = outcome.Kind,
            Content = content,
            Message = outcome.Message,
            CutFromLength = cutFrom,
        };
    }

    private static ChatMessage ResultMessage(ToolCallRequest call, string content) =>
        new() { Role = ChatRole.Tool, ToolCallId = call.Id, Name = call.Name, Content = content };

    private static void Add(UsageInfo total, UsageInfo usage)
    {
        total.PromptTokens += usage.PromptTokens;
        total.CompletionTokens += usage.CompletionTokens;
        total.TotalTokens += usage.TotalTokens;
    }
}
