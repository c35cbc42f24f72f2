using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace MixtralPS.Core.Tests.Documents;

/// <summary>PDF and DOCX files made on the fly, so the tests carry no binary fixtures.</summary>
internal static class SampleDocuments
{
    /// <summary>A PDF with one page per entry, each line of an entry drawn on its own line.</summary>
    public static byte[] Pdf(params string[][] pages)
    {
        using var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var lines in pages)
        {
            var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
            var y = 780.0;
            foreach (var line in lines)
            {
                page.AddText(line, 12, new PdfPoint(50, y), font);
                y -= 20;
            }
        }

        return builder.Build();
    }

    /// <summary>A DOCX with a heading, paragraphs, an empty paragraph and a two-by-two table.</summary>
    public static byte[] Docx()
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            main.Document = new Document(new Body(
                new Paragraph(new ParagraphProperties(new ParagraphStyleId { Val = "Heading1" }), new Run(new Text("Installation guide"))),
                new Paragraph(new Run(new Text("Run the installer")), new Run(new Text(" and follow the ") { Space = SpaceProcessingModeValues.Preserve }), new Run(new Text("steps."))),
                new Paragraph(),
                new Paragraph(new Run(new Text("Then restart."))),
                new Table(
                    new TableRow(Cell("Name"), Cell("Value")),
                    new TableRow(Cell("port"), Cell("8080"))),
                new Paragraph(new Run(new Text("Après la table: café")))));
        }

        return stream.ToArray();

        static TableCell Cell(string text) => new(new Paragraph(new Run(new Text(text))));
    }
}
