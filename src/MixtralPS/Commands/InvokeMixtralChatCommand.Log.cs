using System.Diagnostics;
using System.Management.Automation;
using MixtralPS.Completion;
using System.Runtime.CompilerServices;
using MixtralPS.Chat;
using MixtralPS.Core.Chat;
using MixtralPS.Core.Chat.Log;
using MixtralPS.Core.Configuration;
using MixtralPS.Core.Models;

namespace MixtralPS.Commands;

/// <summary>The chat log: every answer saved (unless -NoLog or $MixtralChatLogPreference say not), and -Continue / -ConversationId to go on with a saved conversation.</summary>
public sealed partial class InvokeMixtralChatCommand
{
    /// <summary>Does not save this chat to the chat log.</summary>
    [Parameter]
    public SwitchParameter NoLog { get; set; }

    /// <summary>Goes on with the newest conversation of the chat log.</summary>
    [Parameter]
    public SwitchParameter Continue { get; set; }

    /// <summary>Goes on with this conversation of the chat log (Get-MixtralChatLog shows the ids).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ChatConversationCompleter))]
    [ValidateRange(1, long.MaxValue)]
    public long? ConversationId { get; set; }

    private readonly Stopwatch requestClock = new();

    /// <summary>With -Each, how long each answer took, from its request being sent.</summary>
    private readonly ConditionalWeakTable<ChatResponse, StrongBox<TimeSpan>> durations = new();

    private IReadOnlyList<ChatMessage>? loggedHistory;
    private long? loggedConversation;

    /// <summary>Open while the command runs: -Each saves many answers, and opening the log for each cost more than saving.</summary>
    private ChatLog? chatLog;

    /// <summary>Set when the log could not be opened: warned once, not once per answer.</summary>
    private bool logUnavailable;

    /// <summary>Reads the conversation -Continue or -ConversationId goes on with, before anything is asked.</summary>
    private void OpenLoggedConversation()
    {
        if (!Continue && ConversationId is null)
        {
            return;
        }

        var conflict = Each ? "-Each" : History is not null ? "-History" : null;
        if (conflict is not null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-Continue and -ConversationId go on with a conversation of the chat log; {conflict} cannot be used with them."),
                ErrorIdPrefix + "ContinueConflict", ErrorCategory.InvalidArgument, null));
        }

        try
        {
            using var log = ChatLog.OpenExisting(ChatLog.DefaultPath);
            loggedConversation = ConversationId ?? log?.LastConversationId();
            loggedHistory = loggedConversation is { } id ? log?.History(id) : null;
        }
        catch (Exception ex) when (ex is ChatLogException or IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIdPrefix + "LogUnavailable", ErrorCategory.ReadError, ChatLog.DefaultPath));
        }

        if (loggedHistory is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ItemNotFoundException(ConversationId is { } missing
                    ? $"The chat log has no conversation {missing}. Get-MixtralChatLog lists the saved ones."
                    : "The chat log has no conversation to continue yet; ask without -Continue first."),
                ErrorIdPrefix + "ConversationNotFound", ErrorCategory.ObjectNotFound, ConversationId));
        }

        WriteVerbose($"Continuing conversation {loggedConversation} of the chat log ({loggedHistory!.Count} messages).");
    }

    /// <summary>With -Each: the request timed from when it is sent, not from when it was queued.</summary>
    private async Task<ChatResponse> Timed(Func<Task<ChatResponse>> ask)
    {
        var start = Stopwatch.GetTimestamp();
        var response = await ask().ConfigureAwait(false);
        durations.AddOrUpdate(response, new StrongBox<TimeSpan>(Stopwatch.GetElapsedTime(start)));
        return response;
    }

    /// <summary>Saves the answer to the chat log and names its conversation on the output. A log that cannot be written
    /// costs a warning, never the answer.</summary>
    private void LogExchange(ChatResponse response, PSObject output)
    {
        if (logUnavailable || !LoggingEnabled())
        {
            return;
        }

        var duration = durations.TryGetValue(response, out var timed) ? timed.Value : requestClock.Elapsed;
        try
        {
            chatLog ??= ChatLog.Open(ChatLog.DefaultPath);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            logUnavailable = true;
            WriteWarning($"The chat was not saved: the log '{ChatLog.DefaultPath}' cannot be opened: {ex.Message}");
            return;
        }

        try
        {
            var entry = chatLog.Append(response, duration, EndpointHost(), Each ? null : loggedConversation, Key is { } key ? key.Redact : null);
            if (!Each)
            {
                // A second answer of this command (none today) would go on with the same conversation.
                loggedConversation = entry.ConversationId;
            }

            output.Properties.Add(new PSNoteProperty(nameof(ChatLogEntry.ConversationId), entry.ConversationId));
            WriteVerbose($"Saved to the chat log as exchange {entry.Ordinal} of conversation {entry.ConversationId}.");
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteWarning($"The chat was not saved to the log '{chatLog.Path}': {ex.Message}");
        }
    }

    private bool LoggingEnabled()
    {
        if (NoLog)
        {
            return false;
        }

        var preference = SessionState.PSVariable.GetValue(ChatLogSettings.PreferenceVariable);
        if (preference is null)
        {
            return true;
        }

        if (!LanguagePrimitives.TryConvertTo<ChatLogPreference>(preference, out var value))
        {
            WriteWarning($"${ChatLogSettings.PreferenceVariable} is '{preference}', neither Enabled nor Disabled; the chat is saved.");
            return true;
        }

        return value == ChatLogPreference.Enabled;
    }

    /// <summary>The endpoint's host and port: enough to tell servers apart, with no path, query or user information.</summary>
    private string? EndpointHost() =>
        Uri.TryCreate(Endpoint ?? MixtralEnvironment.Endpoint, UriKind.Absolute, out var uri) ? uri.Authority : null;
}
