using System.Text;
using MixtralPS.Core.Documents;

namespace MixtralPS.Core.Tests.Documents;

public sealed class FormatLoadingTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Markdown_is_kept_as_written()
    {
        const string markdown = "# Title\r\n\r\nSome *emphasis* and `code`.\r\n\r\n- item\r\n";
        var document = DocumentLoader.Load(folder.Write("guide.md", markdown, new UTF8Encoding(false)));
        Assert.Equal(markdown, document.Text);
        Assert.Equal("markdown", document.Format);
        Assert.Equal("markdown", DocumentLoader.Load(folder.Write("notes.markdown", "x", Encoding.ASCII)).Format);
    }

    [Fact]
    public void Html_keeps_the_text_title_first_without_scripts_or_styles()
    {
        const string html = """
            <!DOCTYPE html>
            <html><head><title>The  Title</title>
            <style>body { color: red; }</style>
            <script>var secret = "script text";</script></head>
            <body>
              <nav hidden>hidden menu</nav>
              <h1>Heading   one</h1>
              <p>First
                 paragraph with <b>bold</b> and <a href="#">a link</a>.</p>
              <div>Block one</div><div>Block two</div>
              <p>Line<br>break</p>
              <noscript>enable javascript</noscript>
              <template><p>template text</p></template>
              <ul><li>alpha</li><li>beta</li></ul>
              <table><tr><th>Name</th><th>Value</th></tr><tr><td>port</td><td>8080</td></tr></table>
              <pre>  indented
                code</pre>
              <script>document.write("late script")</script>
            </body></html>
            """;
        var document = DocumentLoader.Load(folder.Write("page.html", html, new UTF8Encoding(false)));
        Assert.Equal("html", document.Format);
        Assert.Equal("utf-8", document.Encoding);
        Assert.Equal(
            "The Title\n\nHeading one\n\nFirst paragraph with bold and a link.\n\nBlock one\nBlock two\n\nLine\nbreak\n\n" +
            "alpha\nbeta\n\nName | Value\nport | 8080\n\n  indented\n    code",
            document.Text);
    }

    [Fact]
    public void Html_in_a_declared_legacy_charset_is_decoded_with_it()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var shiftJis = Encoding.GetEncoding("shift_jis");
        var html = "<html><head><meta charset=\"shift_jis\"><title>日本語</title></head><body><p>こんにちは世界</p></body></html>";
        var document = DocumentLoader.Load(folder.Write("jp.htm", shiftJis.GetBytes(html)));
        Assert.Equal("日本語\n\nこんにちは世界", document.Text);
        Assert.Equal("shift_jis", document.Encoding);
    }

    [Fact]
    public void Html_in_windows_1252_is_decoded()
    {
        byte[] bytes = [.. "<p>caf"u8, 0xE9, .. "</p>"u8];
        var document = DocumentLoader.Load(folder.Write("old.xhtml", bytes));
        Assert.Equal("café", document.Text);
        Assert.Equal("windows-1252", document.Encoding);
    }

    [Fact]
    public void Html_without_visible_text_is_refused()
    {
        var error = Assert.Throws<DocumentLoadException>(() =>
            DocumentLoader.Load(folder.Write("empty.html", "<html><script>x()</script></html>", Encoding.ASCII)));
        Assert.Contains("no text", error.Reason);
    }

    [Fact]
    public void Pdf_pages_come_in_order_separated_by_a_blank_line()
    {
        var bytes = SampleDocuments.Pdf(["Hello from page one", "second line"], [], ["Page three text"]);
        var document = DocumentLoader.Load(folder.Write("report.pdf", bytes));
        Assert.Equal("pdf", document.Format);
        Assert.Null(document.Encoding);
        Assert.Equal("Hello from page one\nsecond line\n\nPage three text", document.Text);
    }

    [Fact]
    public void A_pdf_is_recognised_by_content_whatever_its_extension()
    {
        var document = DocumentLoader.Load(folder.Write("report.txt", SampleDocuments.Pdf(["Only page"])));
        Assert.Equal("pdf", document.Format);
        Assert.Equal("Only page", document.Text);
    }

    [Fact]
    public void A_truncated_pdf_is_refused_naming_the_file()
    {
        var bytes = SampleDocuments.Pdf(["Hello from page one"]);
        var path = folder.Write("truncated.pdf", bytes[..(bytes.Length / 3)]);
        var error = Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Matches("damaged PDF|no text", error.Reason);
    }

    [Fact]
    public void A_file_named_pdf_that_is_not_one_is_refused()
    {
        var error = Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(folder.Write("fake.pdf", "just text", Encoding.ASCII)));
        Assert.Equal("damaged PDF (no %PDF header)", error.Reason);
    }

    [Fact]
    public void An_encrypted_pdf_is_refused_as_encrypted()
    {
        // Point the trailer at an /Encrypt dictionary whose /U matches no password, as a protected file's would.
        var text = Encoding.Latin1.GetString(SampleDocuments.Pdf(["Secret"]));
        var zeros = new string('0', 64);
        var trailerAt = text.LastIndexOf("trailer", StringComparison.Ordinal);
        var dictionaryAt = text.IndexOf("<<", trailerAt, StringComparison.Ordinal) + 2;
        text = text.Insert(dictionaryAt,
            $" /Encrypt << /Filter /Standard /V 1 /R 2 /O <{zeros}> /U <{new string('1', 64)}> /P -4 >> /ID [<{zeros[..32]}> <{zeros[..32]}>] ");
        var error = Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(folder.Write("secret.pdf", Encoding.Latin1.GetBytes(text))));
        Assert.Matches("encrypted|damaged", error.Reason);
    }

    [Fact]
    public void Docx_paragraphs_headings_and_tables_become_lines()
    {
        var document = DocumentLoader.Load(folder.Write("guide.docx", SampleDocuments.Docx()));
        Assert.Equal("docx", document.Format);
        Assert.Null(document.Encoding);
        Assert.Equal(
            "Installation guide\nRun the installer and follow the steps.\n\nThen restart.\nName | Value\nport | 8080\nAprès la table: café",
            document.Text);
    }

    [Fact]
    public void A_truncated_docx_is_refused_naming_the_file()
    {
        var bytes = SampleDocuments.Docx();
        var path = folder.Write("broken.docx", bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(path));
        Assert.Contains(path, error.Message);
        Assert.StartsWith("damaged DOCX", error.Reason);
    }

    [Fact]
    public void A_zip_that_is_not_a_docx_is_refused()
    {
        using var stream = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = new StreamWriter(zip.CreateEntry("readme.txt").Open());
            entry.Write("not a word document");
        }

        var error = Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(folder.Write("letter.docx", stream.ToArray())));
        Assert.StartsWith("damaged DOCX", error.Reason);
        var archive = Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(folder.Write("bundle.dat", stream.ToArray())));
        Assert.Equal("binary file (zip archive)", archive.Reason);
    }
}
