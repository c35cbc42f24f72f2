using System.Runtime.CompilerServices;
using System.Text.Json;
using MixtralPS.Core.Client;
using MixtralPS.Core.Models;
using MixtralPS.Core.Tools;

namespace MixtralPS.Core.Chat;

/// <summary>One piece of a streamed answer: text (and a reasoning model's thinking) as it arrives, and at the end the whole response.</summary>
public sealed record ChatStreamUpdate(string Text, ChatResponse? Final, string Thinking = "");

/// <summary>Runs chat turns: builds the request, calls the API, and turns the answer into a <see cref="ChatResponse"/>.</summary>
public sealed class ChatService
{
    private readonly MistralClient client;

    public ChatService(MistralClient client)
    {
        this.client = client ?? throw new ArgumentNullException(nameof(client));
    }

    /// <summary>The messages of a turn: the history, the system prompt (replacing an earlier one), then the user's message.</summary>
    public static List<ChatMessage> BuildMessages(IEnumerable<ChatMessage>? history, string? systemPrompt, string? userMessage)
    {
        var messages = new List<ChatMessage>();
        if (!string.IsNullOrEmpty(systemPrompt))
        {
            messages.Add(ChatMessage.System(systemPrompt));
        }

        foreach (var message in history ?? [])
        {
            if (message.Role == ChatRole.System && !string.IsNullOrEmpty(systemPrompt))
            {
                continue;
            }

            messages.Add(message);
        }

        if (!string.IsNullOrEmpty(userMessage))
        {
            messages.Add(ChatMessage.User(userMessage));
        }

        return messages;
    }

    /// <param name="sources">For a grounded answer, the sources numbered in the prompt; they come back on the response.</param>
    public async Task<ChatResponse> CompleteAsync(
        ChatOptions options, IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken = default, IReadOnlyList<string>? sources = null)
    {
        var request = options.ToRequest(messages);
        ChatCompletionResponse completion;
        try
        {
            completion = await client.CreateChatCompletionAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (MistralApiException ex) when (MayBeModelProblem(ex))
        {
            throw await ExplainRetiredModelAsync(ex, options.Model, cancellationToken).ConfigureAwait(false) ?? ex;
        }

        var choice = completion.Choices.FirstOrDefault()
            ?? throw new MistralException(MistralErrorKind.Protocol, "The chat completion had no choices.");
        var message = choice.Message ?? ChatMessage.Assistant("");
        return Finish(options, messages, message.Content ?? "", message.Parts, message.ToolCalls ?? [], choice.FinishReason,
            completion.Model, completion.Usage, completion.Id, completion.Created, streamed: false, sources);
    }

    public async IAsyncEnumerable<ChatStreamUpdate> StreamAsync(
        ChatOptions options, IReadOnlyList<ChatMessage> messages, [EnumeratorCancellation] CancellationToken cancellationToken = default,
        IReadOnlyList<string>? sources = null)
    {
        var request = options.ToRequest(messages);
        var accumulator = new ChatStreamAccumulator();
        var prefix = AnswerPrefix.Of(messages);
        if (prefix is not null)
        {
            // The answer starts with the prefix whether or not the server repeats it; the console shows it once.
            yield return new ChatStreamUpdate(prefix.Text, null);
        }

        await using var chunks = client.StreamChatCompletionAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            ChatExceptionOrChunk step;
            try
            {
                step = await chunks.MoveNextAsync().ConfigureAwait(false) ? new(chunks.Current, null) : new(null, null);
            }
            catch (MistralApiException ex) when (MayBeModelProblem(ex))
            {
                step = new(null, await ExplainRetiredModelAsync(ex, options.Model, cancellationToken).ConfigureAwait(false) ?? ex);
            }
            catch (MistralException ex) when (ex.Kind == MistralErrorKind.StreamInterrupted)
            {
                step = new(null, new MistralException(
                    MistralErrorKind.StreamInterrupted,
                    $"{ex.Message.TrimEnd('.')} ({accumulator.ContentLength} characters of the answer had arrived).",
                    ex.InnerException)
                {
                    Attempts = ex.Attempts,
                    PartialContent = accumulator.Content,
                });
            }

            if (step.Error is not null)
            {
                throw step.Error;
            }

            if (step.Chunk is null)
            {
                break;
            }

            var text = accumulator.Add(step.Chunk);
            text = prefix?.Filter(text) ?? text;
            if (text.Length > 0 || accumulator.LastThinking.Length > 0)
            {
                yield return new ChatStreamUpdate(text, null, accumulator.LastThinking);
            }
        }

        if (prefix?.Flush() is { Length: > 0 } held)
        {
            yield return new ChatStreamUpdate(held, null);
        }

        yield return new ChatStreamUpdate("", Finish(options, messages, accumulator.Content, accumulator.Parts(), accumulator.ToolCalls(),
            accumulator.FinishReason, accumulator.Model, accumulator.Usage, accumulator.Id, accumulator.Created, streamed: true, sources));
    }

    private static ChatResponse Finish(
        ChatOptions options, IReadOnlyList<ChatMessage> messages, string content, IReadOnlyList<ContentChunk>? parts, List<ToolCall> toolCalls,
        string? finishReason, string? model, UsageInfo? usage, string? id, long? created, bool streamed, IReadOnlyList<string>? sources)
    {
        var prefix = AnswerPrefix.Of(messages);
        content = prefix?.Complete(content) ?? content;

        // The answer replaces the prefix message it started from; its chunks (thinking, references) are kept for the API.
        var answer = ChatMessage.Assistant(content, toolCalls);
        answer.Parts = parts is null ? null : [.. parts.Where(p => p is not TextChunk), new TextChunk(content)];
        var history = new List<ChatMessage>(prefix is null ? messages : messages.Take(messages.Count - 1)) { answer };
        return new ChatResponse
        {
            Content = content,
            Thinking = answer.Thinking,
            Parts = answer.Parts,
            Model = string.IsNullOrEmpty(model) ? options.Model : model,
            FinishReason = finishReason,
            Usage = usage ?? new UsageInfo(),
            History = history,
            ToolCalls = toolCalls.Select(ToolCallRequest.From).ToList(),
            Id = id,
            Created = created is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null,
            Streamed = streamed,
            Json = options.WantsJson ? TryParseJson(content) : null,
            Sources = sources ?? [],
        };
    }

    private static JsonElement? TryParseJson(string content)
    {
        var text = StripCodeFence(content);
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Some self-hosted models wrap JSON answers in a Markdown code fence.</summary>
    private static string StripCodeFence(string content)
    {
        var text = content.Trim();
        if (!text.StartsWith("```", StringComparison.Ordinal))
        {
            return text;
        }

        var firstLine = text.IndexOf('\n');
        var lastFence = text.LastIndexOf("```", StringComparison.Ordinal);
        return firstLine > 0 && lastFence > firstLine ? text[(firstLine + 1)..lastFence].Trim() : text;
    }

    private static bool MayBeModelProblem(MistralApiException ex) =>
        ex.Kind is MistralErrorKind.BadRequest or MistralErrorKind.NotFound or MistralErrorKind.Validation
        && (ex.Code == "1500" || ex.ApiMessage.Contains("model", StringComparison.OrdinalIgnoreCase));

    /// <summary>A retired model gets the API's own message plus the replacement its models list names.</summary>
    private async Task<MistralApiException?> ExplainRetiredModelAsync(MistralApiException ex, string model, CancellationToken cancellationToken)
    {
        ModelList models;
        try
        {
            models = await client.ListModelsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MistralException)
        {
            return null;
        }

        var card = models.Data.FirstOrDefault(m =>
            string.Equals(m.Id, model, StringComparison.OrdinalIgnoreCase)
            || (m.Aliases?.Contains(model, StringComparer.OrdinalIgnoreCase) ?? false));
        if (card?.Deprecation is not { } retired)
        {
            return null;
        }

        var replacement = string.IsNullOrEmpty(card.DeprecationReplacementModel)
            ? "The models list names no replacement."
            : $"The models list names '{card.DeprecationReplacementModel}' as its replacement.";
        return new MistralApiException(
            MistralErrorKind.ModelRetired,
            ex.StatusCode,
            ex.ApiMessage,
            $"{ex.Message} The model '{model}' was retired on {retired:yyyy-MM-dd}. {replacement}")
        {
            Code = ex.Code,
            ErrorType = ex.ErrorType,
            Param = ex.Param,
            ReplacementModel = card.DeprecationReplacementModel,
            Details = ex.Details,
            RequestId = ex.RequestId,
            Attempts = ex.Attempts,
        };
    }

    private readonly record struct ChatExceptionOrChunk(CompletionChunk? Chunk, Exception? Error);
}
