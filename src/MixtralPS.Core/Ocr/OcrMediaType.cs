namespace MixtralPS.Core.Ocr;

/// <summary>The media types the OCR endpoint reads, told from a file's first bytes (its extension may lie).</summary>
public static class OcrMediaType
{
    public const string Pdf = "application/pdf";
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Tiff = "image/tiff";
    public const string Webp = "image/webp";

    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp",
    };

    /// <summary>The media type the bytes' signature shows, or null for anything else (or a damaged header).</summary>
    public static string? Sniff(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [(byte)'%', (byte)'P', (byte)'D', (byte)'F', (byte)'-', ..] => Pdf,
        [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Png,
        [0xFF, 0xD8, 0xFF, ..] => Jpeg,
        [(byte)'I', (byte)'I', 0x2A, 0x00, ..] or [(byte)'M', (byte)'M', 0x00, 0x2A, ..] => Tiff,
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => Webp,
        _ => null,
    };

    /// <summary>Whether the name is that of an image format OCR reads (png, jpg, jpeg, tif, tiff, webp).</summary>
    public static bool IsImageExtension(string path) => ImageExtensions.Contains(Path.GetExtension(path));

    /// <summary>A short name for messages: "PDF", "PNG image", …</summary>
    public static string Describe(string mediaType) => mediaType switch
    {
        Pdf => "PDF",
        Png => "PNG image",
        Jpeg => "JPEG image",
        Tiff => "TIFF image",
        Webp => "WebP image",
        _ => mediaType,
    };
}
