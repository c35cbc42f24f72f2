using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;

namespace MixtralPS.Core.Documents;

/// <summary>
/// The text of each page of a PDF in reading order, pages separated by a blank line. Paragraphs PdfPig can
/// tell apart are separated by a blank line too, so the chunker can cut there.
/// </summary>
internal static class PdfTextExtractor
{
    private static readonly ContentOrderTextExtractor.Options Layout = new() { SeparateParagraphsWithDoubleNewline = true };

    public static string Extract(byte[] bytes, string source, CancellationToken cancellationToken)
    {
        // The header may follow up to a kilobyte of junk; without it this is not a PDF at all.
        if (bytes.AsSpan(0, Math.Min(bytes.Length, 1024)).IndexOf("%PDF-"u8) < 0)
        {
            throw new DocumentLoadException(source, "damaged PDF (no %PDF header)");
        }

        PdfDocument document;
        try
        {
            // Lenient parsing recovers common damage (a broken cross-reference table); what it cannot read throws.
            document = PdfDocument.Open(bytes, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
        }
        catch (PdfDocumentEncryptedException)
        {
            throw new DocumentLoadException(source, "encrypted PDF (a password is needed to read it)");
        }

        using (document)
        {
            var text = new StringBuilder();
            for (var number = 1; number <= document.NumberOfPages; number++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var page = ContentOrderTextExtractor.GetText(document.GetPage(number), Layout).Trim();
                if (page.Length == 0)
                {
                    continue;
                }

                if (text.Length > 0)
                {
                    text.Append("\n\n");
                }

                text.Append(page);
            }

            return text.ToString();
        }
    }
}
