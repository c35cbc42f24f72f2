using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using MixtralPS.Core.Chat.Log;

namespace MixtralPS.Completion;

/// <summary>Completes -ConversationId with the conversations of the chat log that were used last, their first prompt as the tooltip.</summary>
public sealed class ChatConversationCompleter : IArgumentCompleter
{
    private const int Offered = 30;

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            using var log = ChatLog.OpenExisting(ChatLog.DefaultPath);
            return log?.RecentConversations(Offered)
                .Select(c => (Id: c.Id.ToString(CultureInfo.InvariantCulture), Conversation: c))
                .Where(c => c.Id.StartsWith(wordToComplete, StringComparison.Ordinal))
                .Select(c => new CompletionResult(c.Id, $"{c.Id} {ChatLogEntry.OneLine(c.Conversation.FirstPrompt, 40)}", CompletionResultType.ParameterValue, c.Conversation.ToString()))
                .ToList() ?? [];
        }
        catch (Exception ex) when (ex is ChatLogException or IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            // A log that cannot be read offers nothing; completion never fails.
            return [];
        }
    }
}
