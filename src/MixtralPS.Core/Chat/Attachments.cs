using MixtralPS.Core.Models;

namespace MixtralPS.Core.Chat;

/// <summary>
/// Images and documents to send with a question: local files become base64 data URLs with the media type their
/// bytes show (not their extension), checked for type and size before anything is sent; http(s) and data URLs
/// pass through unchanged.
/// </summary>
public static class Attachments
{
    /// <summary>The API's limit for one image (Mistral's vision documentation: 10 MB).</summary>
    public const long MaxImageBytes = 10L * 1024 * 1024;

    /// <summary>The API's limit for one document (Mistral's document understanding documentation: 50 MB).</summary>
    public const long MaxDocumentBytes = 50L * 1024 * 1024;

    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".webp", ".gif"];

    /// <summary>Whether a file's name says it is an image or a PDF, the files a piped FileInfo attaches as.</summary>
    public static bool IsAttachableName(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return extension == ".pdf" || ImageExtensions.Contains(extension);
    }

    /// <summary>An image: a local file (sent as a data URL), or an http(s) or data URL.</summary>
    /// <exception cref="AttachmentException">The file is missing, not an image, or too large.</exception>
    public static ImageUrlChunk Image(string pathOrUrl) =>
        IsUrl(pathOrUrl) ? new ImageUrlChunk(pathOrUrl) : new ImageUrlChunk(DataUrl(pathOrUrl, wantImage: true, out _));

    /// <summary>A document (PDF): a local file (sent as a data URL, named), or an http(s) or data URL.</summary>
    public static DocumentUrlChunk Document(string pathOrUrl) => IsUrl(pathOrUrl)
        ? new DocumentUrlChunk(pathOrUrl, pathOrUrl.StartsWith("data:", StringComparison.Ordinal) ? null : Path.GetFileName(new Uri(pathOrUrl).LocalPath))
        : new DocumentUrlChunk(DataUrl(pathOrUrl, wantImage: false, out _), Path.GetFileName(pathOrUrl));

    /// <summary>A local file as whatever its bytes show it is: an image or a PDF.</summary>
    public static ContentChunk File(string path)
    {
        var url = DataUrl(path, wantImage: null, out var isImage);
        return isImage ? new ImageUrlChunk(url) : new DocumentUrlChunk(url, Path.GetFileName(path));
    }

    /// <summary>The media type the first bytes of a file show, or null when it is none of the kinds the API takes.</summary>
    public static string? SniffMediaType(ReadOnlySpan<byte> head) => head switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => "image/gif",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "image/webp",
        [(byte)'%', (byte)'P', (byte)'D', (byte)'F', (byte)'-', ..] => "application/pdf",
        _ => null,
    };

    private static bool IsUrl(string text) =>
        text.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
        || (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https");

    private static string DataUrl(string path, bool? wantImage, out bool isImage)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new AttachmentException(path, $"'{path}' was not found.");
        }

        byte[] head = new byte[12];
        using (var stream = info.OpenRead())
        {
            head = head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        }

        var mediaType = SniffMediaType(head);
        isImage = mediaType?.StartsWith("image/", StringComparison.Ordinal) == true;
        var kind = wantImage switch { true => "an image (PNG, JPEG, WEBP or GIF)", false => "a PDF document", null => "an image or a PDF" };
        if (mediaType is null || (wantImage is { } image && image != isImage))
        {
            throw new AttachmentException(path, $"'{info.Name}' is not {kind}: its content is " +
                (mediaType ?? (head.Length == 0 ? "empty" : "of another kind")) + ".");
        }

        var limit = isImage ? MaxImageBytes : MaxDocumentBytes;
        if (info.Length > limit)
        {
            throw new AttachmentException(path, $"'{info.Name}' has {info.Length:N0} bytes; the API takes {(isImage ? "images" : "documents")} up to {limit / (1024 * 1024)} MB.");
        }

        return $"data:{mediaType};base64,{Convert.ToBase64String(System.IO.File.ReadAllBytes(info.FullName))}";
    }
}

/// <summary>A file that cannot be attached, and why; names the file.</summary>
public sealed class AttachmentException(string path, string message) : ArgumentException(message)
{
    public string Path { get; } = path;
}
