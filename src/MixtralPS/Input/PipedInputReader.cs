using System.Management.Automation;
using MixtralPS.Core.Input;
using MixtralPS.Core.Models;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Chat;

namespace MixtralPS.Input;

/// <summary>What one piped object means to a chat: data to ask about, a conversation to go on with, or retrieved context.</summary>
internal readonly record struct PipedInput(PipedItem? Item, IReadOnlyList<ChatMessage>? History, RagContextChunk? Context, ContentChunk? Attachment = null)
{
    public bool IsEmpty => Item is null && History is null && Context is null && Attachment is null;
}

/// <summary>
/// Reads piped objects for a chat: strings and scalars as text, image and PDF files as attachments (an
/// <see cref="AttachmentException"/> names a file that cannot be), errors with their context, other objects as data
/// (the properties PowerShell's own view shows) or as PowerShell shows them (-InputFormat Text).
/// Runs on the pipeline thread: reading an object may run its type's format scripts.
/// </summary>
internal sealed class PipedInputReader(PSCmdlet cmdlet, InputFormat format)
{
    private readonly ObjectDataReader data = new(cmdlet);

    public PipedInput Read(PSObject? input) => input?.BaseObject switch
    {
        null => default,
        ChatResponse response => new(null, response.History, null),
        ChatMessage[] messages => new(null, messages, null),
        RagContextChunk chunk => new(null, null, chunk),
        string text => new(new PipedText(text), null, null),
        FileInfo file when Attachments.IsAttachableName(file.Name) => new(null, null, null, Attachments.File(file.FullName)),
        var error when ErrorReportReader.TryRead(error, out var report) => new(new PipedBlock("error", report!.ExceptionType, report.Render()), null, null),
        var scalar when IsScalar(scalar) => new(new PipedText(DataRenderer.FormatValue(scalar)), null, null),
        _ when format == InputFormat.Text => new(new PipedBlock("text", input.TypeNames.FirstOrDefault() ?? "object", data.ReadText(input)), null, null),
        _ => new(new PipedData(data.Read(input)), null, null),
    };

    /// <summary>Values that are their own text: a number or a date piped in is a line, not a one-cell table.</summary>
    private static bool IsScalar(object value) =>
        value.GetType().IsPrimitive || value is decimal or DateTime or DateTimeOffset or TimeSpan or Guid or Enum or Uri or char;
}
