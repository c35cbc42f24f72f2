using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace MixtralPS.Core.Documents;

/// <summary>
/// The text of a Word document's body: one paragraph per line (headings included), a table row per line with
/// its cells separated by " | ", runs of empty paragraphs kept as one blank line.
/// </summary>
internal static class DocxTextExtractor
{
    public static string Extract(byte[] bytes, string source, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        using var document = WordprocessingDocument.Open(stream, isEditable: false);
        var body = document.MainDocumentPart?.Document?.Body
            ?? throw new DocumentLoadException(source, "damaged DOCX (no document body)");

        var lines = new List<string>();
        var stack = new Stack<OpenXmlElement>();
        PushChildren(stack, body);
        while (stack.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (stack.Pop())
            {
                case Paragraph paragraph:
                    lines.Add(ParagraphText(paragraph));
                    break;
                case Table table:
                    foreach (var row in table.Elements<TableRow>())
                    {
                        var cells = row.Elements<TableCell>()
                            .Select(cell => string.Join(' ', cell.Descendants<Paragraph>().Select(ParagraphText).Where(t => t.Length > 0)));
                        lines.Add(string.Join(" | ", cells));
                    }

                    break;
                case SectionProperties:
                    break;
                case var container:
                    // Content controls, custom XML and the like hold paragraphs of their own.
                    PushChildren(stack, container);
                    break;
            }
        }

        var text = new StringBuilder();
        var blank = false;
        foreach (var line in lines)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                blank = text.Length > 0;
                continue;
            }

            if (text.Length > 0)
            {
                text.Append(blank ? "\n\n" : "\n");
            }

            text.Append(line.TrimEnd());
            blank = false;
        }

        return text.ToString();
    }

    private static void PushChildren(Stack<OpenXmlElement> stack, OpenXmlElement parent)
    {
        foreach (var child in parent.ChildElements.Reverse())
        {
            stack.Push(child);
        }
    }

    // Runs, hyperlinks, fields and text boxes in document order; a fallback copy of alternate content is skipped.
    private static string ParagraphText(Paragraph paragraph)
    {
        var text = new StringBuilder();
        var stack = new Stack<OpenXmlElement>();
        PushChildren(stack, paragraph);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case Text t:
                    text.Append(t.Text);
                    break;
                case TabChar or PositionalTab:
                    text.Append('\t');
                    break;
                case Break or CarriageReturn:
                    text.Append(' ');
                    break;
                case NoBreakHyphen:
                    text.Append('-');
                    break;
                case AlternateContentFallback:
                    break;
                case var element:
                    PushChildren(stack, element);
                    break;
            }
        }

        return text.ToString();
    }
}
