using System.Management.Automation;
using MixtralPS.Completion;
using MixtralPS.Core.Chat.Log;
using MixtralPS.Infrastructure;

namespace MixtralPS.Commands;

/// <summary>Removes conversations from the chat log, with their prompts, answers and messages; or the whole log's content with -All.</summary>
[Cmdlet(VerbsCommon.Remove, "MixtralChatLog", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByIdSet)]
public sealed class RemoveMixtralChatLogCommand : MixtralCmdlet
{
    private const string ByIdSet = "ById";
    private const string AllSet = "All";

    /// <summary>The conversations to remove; entries piped from Get-MixtralChatLog bring theirs.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ByIdSet)]
    [ArgumentCompleter(typeof(ChatConversationCompleter))]
    [ValidateRange(1, long.MaxValue)]
    public long[] ConversationId { get; set; } = [];

    /// <summary>Every conversation of the log.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    private ChatLog? log;

    /// <summary>Piped entries of one conversation name it many times; it is asked about and removed once.</summary>
    private readonly HashSet<long> seen = [];

    protected override void BeginProcessing()
    {
        try
        {
            log = ChatLog.OpenExisting(ChatLog.DefaultPath);
        }
        catch (Exception ex) when (ex is ChatLogException or IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIdPrefix + "LogUnavailable", ErrorCategory.WriteError, ChatLog.DefaultPath));
        }
    }

    protected override void ProcessRecord()
    {
        var ids = All ? log?.ConversationIds() ?? [] : ConversationId.ToList();
        foreach (var id in ids.Where(seen.Add))
        {
            if (log?.Conversation(id) is not { } conversation)
            {
                WriteError(new ErrorRecord(
                    new ItemNotFoundException($"The chat log has no conversation {id}. Get-MixtralChatLog lists the saved ones."),
                    ErrorIdPrefix + "NotFound", ErrorCategory.ObjectNotFound, id));
                continue;
            }

            if (ShouldProcess(conversation.ToString(), "Remove from the chat log"))
            {
                log.Remove(id);
                WriteVerbose($"Removed {conversation}.");
            }
        }
    }

    protected override void ReleaseResources() => log?.Dispose();
}
