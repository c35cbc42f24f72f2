using MixtralPS.Core.Ocr;

namespace MixtralPS.Core.Tests.Ocr;

public sealed class OcrMediaTypeTests
{
    public static TheoryData<byte[], string?> Signatures => new()
    {
        { [.. "%PDF-1.7\n"u8], OcrMediaType.Pdf },
        { [0x89, .. "PNG\r\n"u8, 0x1A, (byte)'\n', 0, 0], OcrMediaType.Png },
        { [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], OcrMediaType.Jpeg },
        { [.. "II"u8, 0x2A, 0, 8, 0, 0, 0], OcrMediaType.Tiff },
        { [.. "MM"u8, 0, 0x2A, 0, 0, 0, 8], OcrMediaType.Tiff },
        { [.. "RIFF"u8, 0x24, 0, 0, 0, .. "WEBPVP8 "u8], OcrMediaType.Webp },
        // Near misses: a truncated PNG signature, a RIFF that is a WAV, text named after an image.
        { [0x89, .. "PNG"u8], null },
        { [.. "RIFF"u8, 0x24, 0, 0, 0, .. "WAVEfmt "u8], null },
        { [.. "not really an image"u8], null },
        { [], null },
    };

    [Theory]
    [MemberData(nameof(Signatures))]
    public void The_media_type_comes_from_the_bytes(byte[] bytes, string? expected) =>
        Assert.Equal(expected, OcrMediaType.Sniff(bytes));

    [Theory]
    [InlineData("scan.PNG", true)]
    [InlineData("photo.jpeg", true)]
    [InlineData("page.tif", true)]
    [InlineData("page.webp", true)]
    [InlineData("anim.gif", false)]
    [InlineData("report.pdf", false)]
    public void Image_extensions_are_those_ocr_reads(string name, bool expected) =>
        Assert.Equal(expected, OcrMediaType.IsImageExtension(name));
}
