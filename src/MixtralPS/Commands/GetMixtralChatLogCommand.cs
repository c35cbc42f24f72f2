using System.Management.Automation;
using MixtralPS.Completion;
using MixtralPS.Core.Chat.Log;
using MixtralPS.Infrastructure;

namespace MixtralPS.Commands;

/// <summary>Finds saved prompts and answers in the chat log, newest first: by words (full-text), by conversation, or the last few.</summary>
[Cmdlet(VerbsCommon.Get, "MixtralChatLog")]
[OutputType(typeof(ChatLogEntry))]
public sealed class GetMixtralChatLogCommand : MixtralCmdlet
{
    /// <summary>How many exchanges come back when neither -Last nor -ConversationId is given.</summary>
    public const int DefaultLast = 20;

    /// <summary>Words that the prompt or the answer must all hold (stemmed, ignoring case and accents).</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Search { get; set; }

    /// <summary>The most exchanges to return, newest first.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Last { get; set; }

    /// <summary>Only the exchanges of this conversation.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ChatConversationCompleter))]
    [ValidateRange(1, long.MaxValue)]
    public long? ConversationId { get; set; }

    protected override void ProcessRecord()
    {
        var path = ChatLog.DefaultPath;
        try
        {
            using var log = ChatLog.OpenExisting(path);
            if (log is null)
            {
                WriteVerbose($"There is no chat log yet at '{path}'.");
                return;
            }

            var last = Last ?? (ConversationId is null ? DefaultLast : null);
            WriteObject(log.Find(Search, ConversationId, last), enumerateCollection: true);
        }
        catch (Exception ex) when (ex is ChatLogException or IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIdPrefix + "LogUnavailable", ErrorCategory.ReadError, path));
        }
    }
}
