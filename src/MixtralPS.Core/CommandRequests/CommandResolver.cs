using MixtralPS.Core.Chat;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.CommandRequests;

/// <summary>What the model suggested, after at most one retry.</summary>
/// <param name="ParseError">Why the last command does not parse (or why there is none); null when it parses.</param>
/// <param name="Attempts">Chat requests made: 1, or 2 after a retry.</param>
public sealed record CommandResolution(string Command, string Explanation, string? ParseError, int Attempts, string Model);

/// <summary>
/// Asks the model for one command. An answer without a readable command, or with one that does not parse, is
/// sent back once with the reason; whatever the second answer is, it is the result.
/// </summary>
public sealed class CommandResolver(ChatService chat)
{
    /// <summary>The message when even the retry's answer held no command.</summary>
    public const string NoCommandError = "The model's answer held no command.";

    /// <param name="parseError">Returns why a command does not parse, or null when it does (the caller's parser).</param>
    public async Task<CommandResolution> ResolveAsync(
        ChatOptions options, IReadOnlyList<ChatMessage> messages, Func<string, string?> parseError, CancellationToken cancellationToken = default)
    {
        var response = await chat.CompleteAsync(options, messages, cancellationToken).ConfigureAwait(false);
        var (answer, error) = Check(response.Content, parseError);
        var attempts = 1;
        if (error is not null)
        {
            var retry = answer is null ? CommandPrompt.NoCommand : CommandPrompt.ParseFailed(answer.Command, error);
            var again = new List<ChatMessage>(response.History) { ChatMessage.User(retry) };
            response = await chat.CompleteAsync(options, again, cancellationToken).ConfigureAwait(false);
            (answer, error) = Check(response.Content, parseError);
            attempts = 2;
        }

        // A refusal is kept as the explanation, so the reader sees why there is no command.
        return new CommandResolution(answer?.Command ?? "", answer?.Explanation ?? response.Content.Trim(), error, attempts, response.Model);
    }

    private static (CommandAnswer? Answer, string? Error) Check(string content, Func<string, string?> parseError)
    {
        var answer = CommandAnswer.Read(content);
        return answer is null ? (null, NoCommandError) : (answer, parseError(answer.Command));
    }
}
