using System.Text.Json;
using MixtralPS.Core.Client;
using MixtralPS.Core.Documents;
using MixtralPS.Core.Json;
using MixtralPS.Core.Models;
using MixtralPS.Core.Ocr;
using MixtralPS.Core.Tests.Documents;
using MixtralPS.TestServer;

namespace MixtralPS.Core.Tests.Ocr;

/// <summary>OCR requests go out in the documented shape (the test server validates them) and pages come back in order.</summary>
public sealed class OcrDocumentReaderTests : IClassFixture<ServerFixture>, IDisposable
{
    private static readonly byte[] Png = [0x89, .. "PNG\r\n"u8, 0x1A, (byte)'\n', 0, 0, 0, 13, .. "IHDR"u8, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0];

    private readonly ServerFixture fixture;
    private readonly TempFolder folder = new();

    public OcrDocumentReaderTests(ServerFixture fixture)
    {
        this.fixture = fixture;
        fixture.Server.Reset();
    }

    public void Dispose()
    {
        folder.Dispose();
        Assert.Empty(fixture.Server.Violations);
    }

    private OcrDocumentReader Reader(long? maxBytes = null, ApiKeyCredential? key = null) =>
        new(fixture.Client(maxRetries: 0, key: key)) { MaxFileBytes = maxBytes ?? OcrDocumentReader.DefaultMaxFileBytes };

    [Fact]
    public void A_pdf_goes_as_a_document_url_chunk_with_its_name()
    {
        var pdf = SampleDocuments.Pdf([]);
        var request = Reader().CreateRequest("/scans/letter.pdf", pdf);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(request, MistralJsonContext.Default.OcrRequest));
        var root = json.RootElement;
        Assert.Equal("mistral-ocr-latest", root.GetProperty("model").GetString());
        Assert.False(root.GetProperty("include_image_base64").GetBoolean());
        var document = root.GetProperty("document");
        Assert.Equal(["type", "document_url", "document_name"], document.EnumerateObject().Select(p => p.Name));
        Assert.Equal("document_url", document.GetProperty("type").GetString());
        Assert.Equal("letter.pdf", document.GetProperty("document_name").GetString());
        Assert.Equal("data:application/pdf;base64," + Convert.ToBase64String(pdf), document.GetProperty("document_url").GetString());
    }

    [Fact]
    public void An_image_goes_as_an_image_url_chunk_typed_by_its_bytes_not_its_name()
    {
        // Named .jpg, but the bytes are a PNG: the data URL says what the bytes are.
        var request = Reader().CreateRequest("/scans/photo.jpg", Png);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(request, MistralJsonContext.Default.OcrRequest));
        var document = json.RootElement.GetProperty("document");
        Assert.Equal(["type", "image_url"], document.EnumerateObject().Select(p => p.Name));
        Assert.Equal("image_url", document.GetProperty("type").GetString());
        Assert.StartsWith("data:image/png;base64,iVBORw0KGgo", document.GetProperty("image_url").GetString());
    }

    [Fact]
    public void A_corrupt_image_is_refused_before_sending_naming_the_file()
    {
        var path = folder.Write("broken.png", "this was never a PNG"u8.ToArray());

        var error = Assert.Throws<OcrException>(() => Reader().ReadAsync(path, CancellationToken.None).GetAwaiter().GetResult());

        Assert.Equal(path, error.Source);
        Assert.Contains("broken.png", error.Message);
        Assert.Contains("not those of a PDF, PNG, JPEG, TIFF or WebP", error.Reason);
        Assert.Empty(fixture.Server.Requests);
    }

    [Fact]
    public async Task An_oversized_file_is_refused_before_reading_or_sending()
    {
        var path = folder.Write("huge.png", [.. Png, .. new byte[200]]);

        var error = await Assert.ThrowsAsync<OcrException>(() => Reader(maxBytes: 100).ReadAsync(path, CancellationToken.None));

        Assert.Equal(path, error.Source);
        Assert.Contains("too large for OCR", error.Reason);
        Assert.Contains("100 bytes", error.Reason);
        Assert.Empty(fixture.Server.Requests);
    }

    [Fact]
    public async Task A_scanned_pdf_comes_back_page_by_page()
    {
        var path = folder.Write("scan.pdf", SampleDocuments.Pdf([], [], []));

        var document = await Reader().ReadAsync(path, CancellationToken.None);

        var request = Assert.Single(fixture.Server.Requests);
        Assert.Equal("/v1/ocr", request.Path);
        Assert.Equal(DocumentFormats.Pdf, document.Format);
        Assert.Equal([1, 2, 3], document.Pages!.Select(p => p.Number));
        foreach (var page in document.Pages!)
        {
            Assert.StartsWith($"# Page {page.Number}\n\nScanned text of scan.pdf, page {page.Number}", document.Text.Substring(page.Start, page.Length));
        }
    }

    [Fact]
    public async Task Scripted_pages_are_read_in_order_and_empty_pages_left_out()
    {
        fixture.Server.Enqueue(new ScriptedReply { Path = "/v1/ocr", Pages = ["First page.", "  ", "Third page."] });
        var path = folder.Write("scan.png", Png);

        var document = await Reader().ReadAsync(path, CancellationToken.None);

        Assert.Equal(DocumentFormats.Image, document.Format);
        Assert.Equal("First page.\n\nThird page.", document.Text);
        Assert.Equal([new DocumentPage(1, 0, 11), new DocumentPage(3, 13, 11)], document.Pages);
    }

    [Fact]
    public void Pages_are_ordered_by_their_index_whatever_order_they_come_in()
    {
        var response = new OcrResponse { Pages = [new() { Index = 1, Markdown = "two" }, new() { Index = 0, Markdown = "one" }] };

        var document = OcrDocumentReader.ToDocument("x.pdf", DocumentFormats.Pdf, response);

        Assert.Equal("one\n\ntwo", document.Text);
        Assert.Equal([1, 2], document.Pages!.Select(p => p.Number));
    }

    [Fact]
    public async Task A_file_the_server_refuses_fails_alone_with_the_servers_reason()
    {
        fixture.Server.Enqueue(new ScriptedReply { Path = "/v1/ocr", Status = 422 });
        var path = folder.Write("odd.png", Png);

        var error = await Assert.ThrowsAsync<OcrException>(() => Reader().ReadAsync(path, CancellationToken.None));

        Assert.Equal(path, error.Source);
        Assert.IsAssignableFrom<MistralException>(error.InnerException);
        Assert.Contains("Scripted error 422", error.Message);
    }

    [Fact]
    public async Task A_refused_key_is_not_one_files_failure()
    {
        fixture.Server.RequiredApiKey = "right-key";
        var path = folder.Write("scan.png", Png);

        var error = await Assert.ThrowsAnyAsync<MistralException>(() => Reader(key: new ApiKeyCredential("wrong-key")).ReadAsync(path, CancellationToken.None));

        Assert.Equal(MistralErrorKind.Unauthorized, error.Kind);
        Assert.DoesNotContain("wrong-key", error.Message);
    }

    [Fact]
    public void A_pdf_without_a_text_layer_is_marked_as_needing_ocr()
    {
        var error = Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(folder.Write("scan.pdf", SampleDocuments.Pdf([], []))));

        Assert.True(error.NeedsOcr);
        Assert.Contains("no text layer", error.Reason);
        Assert.False(Assert.Throws<DocumentLoadException>(() => DocumentLoader.Load(folder.Write("empty.pdf", []))).NeedsOcr);
    }
}
