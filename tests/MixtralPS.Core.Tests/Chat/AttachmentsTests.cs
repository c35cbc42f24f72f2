using MixtralPS.Core.Chat;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Tests.Chat;

public sealed class AttachmentsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("mixtralps-attach-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];

    [Theory]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A }, "image/png")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "image/jpeg")]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61 }, "image/gif")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50 }, "image/webp")]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31 }, "application/pdf")]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04 }, null)]
    public void Knows_a_file_by_its_bytes(byte[] head, string? mediaType) => Assert.Equal(mediaType, Attachments.SniffMediaType(head));

    [Fact]
    public void A_local_image_goes_as_a_data_url_whatever_its_name()
    {
        var chunk = Attachments.Image(Write("chart.bin", Png));
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(Png), chunk.Url);
    }

    [Fact]
    public void Urls_pass_through()
    {
        Assert.Equal("https://x.test/a.png", Attachments.Image("https://x.test/a.png").Url);
        var document = Attachments.Document("https://x.test/docs/report.pdf");
        Assert.Equal("https://x.test/docs/report.pdf", document.Url);
        Assert.Equal("report.pdf", document.DocumentName);
    }

    [Fact]
    public void A_pdf_goes_as_a_named_document_and_a_piped_file_as_what_it_is()
    {
        var pdf = Write("report.pdf", "%PDF-1.4\n%%EOF"u8.ToArray());
        var document = Attachments.Document(pdf);
        Assert.StartsWith("data:application/pdf;base64,", document.Url);
        Assert.Equal("report.pdf", document.DocumentName);
        Assert.IsType<DocumentUrlChunk>(Attachments.File(pdf));
        Assert.IsType<ImageUrlChunk>(Attachments.File(Write("a.png", Png)));
    }

    [Fact]
    public void A_file_that_is_not_what_it_says_is_refused_by_name()
    {
        var fake = Write("photo.png", "just text"u8.ToArray());
        var ex = Assert.Throws<AttachmentException>(() => Attachments.Image(fake));
        Assert.Contains("photo.png", ex.Message);
        Assert.Contains("not an image", ex.Message);
        Assert.Throws<AttachmentException>(() => Attachments.Document(Write("a.png", Png)));
        Assert.Contains("empty", Assert.Throws<AttachmentException>(() => Attachments.Image(Write("empty.png", []))).Message);
        Assert.Contains("not found", Assert.Throws<AttachmentException>(() => Attachments.Image(Path.Combine(folder, "missing.png"))).Message);
    }

    [Fact]
    public void An_image_over_the_limit_is_refused_before_it_is_read()
    {
        var path = Path.Combine(folder, "huge.png");
        using (var stream = File.Create(path))
        {
            stream.Write(Png);
            stream.SetLength(Attachments.MaxImageBytes + 1);
        }

        var ex = Assert.Throws<AttachmentException>(() => Attachments.Image(path));
        Assert.Contains("10 MB", ex.Message);
        Assert.Equal(path, ex.Path);
    }
}
