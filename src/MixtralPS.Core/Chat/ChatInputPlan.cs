using MixtralPS.Core.Input;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Chat;

/// <summary>
/// A chat request over piped input, fitted to the model: the whole request (earlier messages, instruction, data)
/// plus room for the answer stays within the model's context, and an optional cap on the data. The model list is
/// asked for the context length only when the request could exceed what every current model takes.
/// </summary>
public sealed class ChatInputPlan
{
    /// <summary>Tokens assumed when the endpoint does not say: what every current Mistral chat model takes.</summary>
    public const int DefaultContextLength = 32_768;

    /// <summary>Tokens kept for the answer when -MaxTokens does not say.</summary>
    public const int DefaultAnswerTokens = 4_096;

    private ChatInputPlan(PipedPrompt prompt, int requestTokens, int contextLength, bool contextKnown, int answerTokens, int? maxInputTokens, int fullDataTokens)
    {
        Prompt = prompt;
        RequestTokens = requestTokens;
        ContextLength = contextLength;
        ContextKnown = contextKnown;
        AnswerTokens = answerTokens;
        MaxInputTokens = maxInputTokens;
        FullDataTokens = fullDataTokens;
    }

    public PipedPrompt Prompt { get; }

    /// <summary>Estimated tokens of the whole request as sent.</summary>
    public int RequestTokens { get; }

    public int ContextLength { get; }

    /// <summary>Whether <see cref="ContextLength"/> came from the endpoint's model list rather than the default.</summary>
    public bool ContextKnown { get; }

    public int AnswerTokens { get; }

    public int? MaxInputTokens { get; }

    /// <summary>Estimated tokens of all the piped data, before any cut.</summary>
    public int FullDataTokens { get; }

    /// <param name="lookUpContextLength">Asks the endpoint for a model's context length (null when unknown).</param>
    public static async Task<ChatInputPlan> CreateAsync(
        ChatOptions options, IReadOnlyList<ChatMessage> earlierMessages, string? instruction, IReadOnlyList<PipedItem> items, InputFormat format,
        int? maxInputTokens, Func<string, CancellationToken, Task<int?>> lookUpContextLength, CancellationToken cancellationToken)
    {
        var full = PipedPrompt.Build(instruction, items, format);
        var fixedTokens = earlierMessages.Sum(m => TokenEstimate.Of(m.Content) + TokenEstimate.PerMessage)
            + TokenEstimate.PerMessage + TokenEstimate.Of(full.Message) - full.DataTokens;
        var answer = options.MaxTokens ?? DefaultAnswerTokens;
        int? known = null;
        if (fixedTokens + full.DataTokens + answer > DefaultContextLength)
        {
            known = await lookUpContextLength(options.Model, cancellationToken).ConfigureAwait(false);
        }

        var context = known ?? DefaultContextLength;
        var limit = Math.Max(0, Math.Min(maxInputTokens ?? int.MaxValue, context - answer - fixedTokens));
        var prompt = full.DataTokens <= limit ? full : PipedPrompt.Build(instruction, items, format, limit);
        return new ChatInputPlan(prompt, fixedTokens + prompt.DataTokens, context, known is not null, answer, maxInputTokens, full.DataTokens);
    }

    /// <summary>What the request holds, for -WhatIf and verbose output.</summary>
    public string Describe(string model) =>
        $"{model}: {Prompt.ItemsSent:N0} piped item{(Prompt.ItemsSent == 1 ? "" : "s")}, {Prompt.Message.Length:N0} characters in the message, " +
        $"about {RequestTokens:N0} tokens in the request";

    /// <summary>Why and where the data was cut, and how to send less; null when nothing was cut.</summary>
    public string? CutWarning()
    {
        if (!Prompt.WasCut)
        {
            return null;
        }

        var capped = MaxInputTokens is { } cap && cap < ContextLength - AnswerTokens - (RequestTokens - Prompt.DataTokens);
        var room = capped
            ? $"-MaxInputTokens {MaxInputTokens:N0}"
            : $"{ContextLength:N0} tokens {(ContextKnown ? "the model takes" : "assumed for a model whose context length the endpoint does not give")}, {AnswerTokens:N0} kept for the answer";
        return $"Sent {Prompt.ItemsSent:N0} of {Prompt.ItemsTotal:N0} piped items (about {RequestTokens:N0} tokens; all would be about " +
            $"{RequestTokens - Prompt.DataTokens + FullDataTokens:N0}): the rest did not fit ({room}). " +
            "Narrow the input (Select-Object -First, Where-Object, Select-Object -Property) or set -MaxInputTokens; -WhatIf shows what would be sent.";
    }
}
