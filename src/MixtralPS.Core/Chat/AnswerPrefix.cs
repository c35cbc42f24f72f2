using MixtralPS.Core.Models;

namespace MixtralPS.Core.Chat;

/// <summary>
/// The start an answer must have (-Prefix: the API's assistant message with prefix: true, last in the request).
/// Servers differ in whether the answer they send repeats the prefix: the answer is made to start with it exactly
/// once, and in a stream the repeat is held back until it is known to be one.
/// </summary>
internal sealed class AnswerPrefix(string text)
{
    private string held = "";
    private bool decided;

    public string Text { get; } = text;

    public static AnswerPrefix? Of(IReadOnlyList<ChatMessage> messages) =>
        messages.Count > 0 && messages[^1] is { Role: ChatRole.Assistant, Prefix: true, Content: { Length: > 0 } text } ? new AnswerPrefix(text) : null;

    /// <summary>The whole answer, starting with the prefix once.</summary>
    public string Complete(string answer) => answer.StartsWith(Text, StringComparison.Ordinal) ? answer : Text + answer;

    /// <summary>Streamed text to show, with a repeat of the prefix (already shown) left out.</summary>
    public string Filter(string text)
    {
        if (decided)
        {
            return text;
        }

        held += text;
        if (held.Length < Text.Length && Text.StartsWith(held, StringComparison.Ordinal))
        {
            return "";
        }

        decided = true;
        var shown = held.StartsWith(Text, StringComparison.Ordinal) ? held[Text.Length..] : held;
        held = "";
        return shown;
    }

    /// <summary>Text still held when the stream ended (an answer shorter than the prefix).</summary>
    public string Flush()
    {
        var rest = decided ? "" : held;
        held = "";
        decided = true;
        return rest;
    }
}
