using System.Text;
using MixtralPS.Core.Documents;

namespace MixtralPS.Core.Tests.Documents;

public sealed class TextLoadingTests : IDisposable
{
    private const string Sample = "Héllo wörld ✓ 日本語 🙂\r\nsecond line\n";

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData("utf8.txt", "utf-8")]
    [InlineData("utf8bom.txt", "utf-8-bom")]
    [InlineData("utf16le.txt", "utf-16le")]
    [InlineData("utf16be.txt", "utf-16be")]
    [InlineData("utf32le.txt", "utf-32le")]
    [InlineData("utf32be.txt", "utf-32be")]
    public void Unicode_encodings_are_decoded_and_reported_without_the_bom(string name, string expected)
    {
        Encoding encoding = expected switch
        {
            "utf-8" => new UTF8Encoding(false),
            "utf-8-bom" => new UTF8Encoding(true),
            "utf-16le" => new UnicodeEncoding(false, true),
            "utf-16be" => new UnicodeEncoding(true, true),
            "utf-32le" => new UTF32Encoding(false, true),
            _ => new UTF32Encoding(true, true),
        };
        var document = DocumentLoader.Load(folder.Write(name, Sample, encoding));
        Assert.Equal(Sample, document.Text);
        Assert.Equal(expected, document.Encoding);
        Assert.Equal("text", document.Format);
    }

    [Fact]
    public void Windows_1252_bytes_are_decoded_and_reported()
    {
        // "café €100 – naïve" in Windows-1252: é = 0xE9, € = 0x80, – = 0x96, ï = 0xEF.
        byte[] bytes = [.. "caf"u8, 0xE9, (byte)' ', 0x80, .. "100 "u8, 0x96, .. " na"u8, 0xEF, .. "ve\n"u8];
        var document = DocumentLoader.Load(folder.Write("legacy.txt", bytes));
        Assert.Equal("café €100 – naïve\n", document.Text);
        Assert.Equal("windows-1252", document.Encoding);
    }

    [Fact]
    public void Bytes_that_are_neither_utf8_nor_windows_1252_are_refused()
    {
        byte[] bytes = [.. "abc "u8, 0xE9, 0x81, .. " def"u8];
        var error = Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(folder.Write("odd.txt", bytes)));
        Assert.Contains("encoding", error.Reason);
    }

    [Fact]
    public void Invalid_utf16_after_a_bom_is_refused()
    {
        // A lone high surrogate (D800) followed by "A".
        byte[] bytes = [0xFF, 0xFE, 0x41, 0x00, 0x00, 0xD8, 0x41, 0x00];
        var error = Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(folder.Write("bad16.txt", bytes)));
        Assert.Contains("utf-16le", error.Reason);
    }

    [Theory]
    [InlineData(".cs", "class C { }\n")]
    [InlineData(".py", "def f():\n    return 1\n")]
    [InlineData(".ps1", "Get-ChildItem | Select-Object Name\n")]
    [InlineData(".json", "{ \"a\": 1 }")]
    [InlineData(".yaml", "a: 1\n")]
    [InlineData(".log", "\u001b[32mINFO\u001b[0m started\n")]
    [InlineData("", "README without an extension\n")]
    public void Code_and_text_of_any_extension_load_as_text(string extension, string content)
    {
        var document = DocumentLoader.Load(folder.Write("file" + extension, content, new UTF8Encoding(false)));
        Assert.Equal(content, document.Text);
        Assert.Equal("text", document.Format);
    }

    [Fact]
    public void Random_bytes_with_nuls_are_refused_as_binary()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[100] = 0;
        var path = folder.Write("data.txt", bytes);
        var error = Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(path));
        Assert.StartsWith("binary file", error.Reason);
        Assert.Equal(path, error.Source);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Control_characters_without_nuls_are_refused_as_binary()
    {
        var bytes = Enumerable.Range(0, 2000).Select(i => (byte)(i % 3 == 0 ? 0x01 + (i % 7) : 'a')).ToArray();
        var error = Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(folder.Write("ctl", bytes)));
        Assert.StartsWith("binary file", error.Reason);
    }

    [Fact]
    public void A_png_is_refused_by_extension_and_by_content_as_needing_ocr()
    {
        byte[] png = [0x89, .. "PNG\r\n"u8, 0x1A, (byte)'\n', 0, 0, 0, 13, .. "IHDR"u8];
        var byName = Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(folder.Write("logo.png", png)));
        Assert.Equal("image (.png), no text to extract", byName.Reason);
        Assert.True(byName.NeedsOcr);
        var byContent = Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(folder.Write("logo.dat", png)));
        Assert.Equal("PNG image, no text to extract", byContent.Reason);
        Assert.True(byContent.NeedsOcr);
    }

    [Fact]
    public void Known_binary_extensions_are_refused_without_reading()
    {
        // The file does not even exist: the extension alone decides.
        var error = Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(Path.Combine(folder.Path, "model.onnx")));
        Assert.Equal("binary file (.onnx)", error.Reason);
    }

    [Fact]
    public void Empty_and_whitespace_files_are_refused()
    {
        Assert.Equal("empty file", Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(folder.Write("empty.txt", []))).Reason);
        var blank = Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(folder.Write("blank.md", " \r\n\t\n"u8.ToArray())));
        Assert.Contains("no text", blank.Reason);
    }

    [Fact]
    public void Missing_files_and_files_over_the_size_limit_are_refused()
    {
        Assert.Equal("file not found", Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(Path.Combine(folder.Path, "nope.txt"))).Reason);
        var path = folder.Write("big.txt", new string('a', 100), Encoding.ASCII);
        var error = Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(path, new DocumentLoadOptions { MaxFileBytes = 10 }));
        Assert.StartsWith("file too large", error.Reason);
        Assert.Equal(100, DocumentLoader.Load(path, new DocumentLoadOptions { MaxFileBytes = 100 }).Text.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => DocumentLoader.Load(path, new DocumentLoadOptions { MaxFileBytes = 0 }));
    }

    [Fact]
    public void Source_is_the_full_path()
    {
        var path = folder.Write("a.txt", "text", Encoding.ASCII);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        Assert.Equal(path, DocumentLoader.Load(relative).Source);
    }

    [Fact]
    public void Cancellation_is_honoured()
    {
        var path = folder.Write("a.txt", "text", Encoding.ASCII);
        Assert.Throws<OperationCanceledException>(() => DocumentLoader.Load(path, new CancellationToken(canceled: true)));
    }

    [Fact]
    public void Piped_text_keeps_its_text_without_a_bom_and_refuses_whitespace()
    {
        var document = DocumentLoader.FromText("clipboard", "\uFEFFsome text\r\n");
        Assert.Equal(new LoadedDocument("clipboard", "some text\r\n", "text", null), document);
        var error = Assert.Throws<DocumentLoadException>(() => DocumentLoader.FromText("clipboard", "  \n"));
        Assert.Equal("clipboard", error.Source);
    }
}
