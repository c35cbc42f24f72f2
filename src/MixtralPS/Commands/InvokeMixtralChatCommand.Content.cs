using System.Management.Automation;
using MixtralPS.Core.Chat;
using MixtralPS.Core.Models;

namespace MixtralPS.Commands;

/// <summary>What a question carries beyond text (images, documents) and how the answer starts and thinks (prefix, prediction, reasoning).</summary>
public sealed partial class InvokeMixtralChatCommand
{
    /// <summary>Images to ask about: local files (PNG, JPEG, WEBP, GIF; sent as data URLs) or http(s) URLs.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Image { get; set; }

    /// <summary>Documents (PDF) to ask about: local files or http(s) URLs.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Document { get; set; }

    /// <summary>Text the answer must start with (the API's assistant prefix).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Prefix { get; set; }

    /// <summary>Text the answer is expected to resemble, such as the file being edited (predicted outputs).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Prediction { get; set; }

    /// <summary>"reasoning": a reasoning model answers with its reasoning system prompt (the API's prompt_mode).</summary>
    [Parameter]
    [ValidateSet("reasoning")]
    public string? PromptMode { get; set; }

    /// <summary>Shows a reasoning model's thinking, dimmed, before its answer; it is in the response's Thinking either way.</summary>
    [Parameter]
    public SwitchParameter ShowThinking { get; set; }

    private readonly List<ContentChunk> attachments = [];

    /// <summary>Reads -Image and -Document before anything is sent: a missing, wrong or oversized file stops the command.</summary>
    private void ReadAttachments()
    {
        foreach (var (paths, read) in new[] { (Image, (Func<string, ContentChunk>)Attachments.Image), (Document, Attachments.Document) })
        {
            foreach (var path in paths ?? [])
            {
                try
                {
                    attachments.Add(read(path.Contains("://", StringComparison.Ordinal) || path.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
                        ? path
                        : SessionState.Path.GetUnresolvedProviderPathFromPSPath(path)));
                }
                catch (AttachmentException ex)
                {
                    ThrowTerminatingError(new ErrorRecord(ex, ErrorIdPrefix + "InvalidAttachment", ErrorCategory.InvalidArgument, path)
                    {
                        ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = "Give a PNG, JPEG, WEBP or GIF to -Image and a PDF to -Document, within the API's size limits." },
                    });
                }
            }
        }
    }

    /// <summary>The messages of one request: history and system prompt, the question with its attachments, and the answer's prefix.</summary>
    private List<ChatMessage> Messages(IReadOnlyList<ChatMessage>? history, string question, IReadOnlyList<ContentChunk> attached)
    {
        var messages = ChatService.BuildMessages(history, SystemPrompt, null);
        messages.Add(ChatMessage.User(question, attached));
        if (Prefix is not null)
        {
            messages.Add(ChatMessage.AnswerPrefix(Prefix));
        }

        return messages;
    }

    /// <summary>Warns when the model list says the model takes no images (the request is sent anyway: lists can lag).</summary>
    private void WarnIfNoVision(IReadOnlyList<ContentChunk> attached)
    {
        if (!attached.OfType<ImageUrlChunk>().Any())
        {
            return;
        }

        var card = Run(ct => ModelCards.GetAsync(Client, options.Model, ct));
        if (card is { Capabilities.Vision: false })
        {
            WriteWarning($"The model list says {options.Model} takes no images; the request is sent, but choose a vision model (Get-MixtralModel | Where-Object Vision) if it fails.");
        }
    }
}
