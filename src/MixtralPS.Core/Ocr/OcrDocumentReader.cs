using System.Text;
using MixtralPS.Core.Client;
using MixtralPS.Core.Documents;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Ocr;

/// <summary>
/// Reads the text of files that have none to extract (scanned PDFs, images) with the API's OCR model: the file
/// is sent as a base64 data URL with the media type its bytes show, and the Markdown of each page comes back
/// as one document whose <see cref="LoadedDocument.Pages"/> say where each page lies.
/// </summary>
public sealed class OcrDocumentReader
{
    public const string DefaultModel = "mistral-ocr-latest";

    /// <summary>The API's limit on an OCR document (50 MB).</summary>
    public const long DefaultMaxFileBytes = 50L * 1024 * 1024;

    private readonly MistralClient client;

    public OcrDocumentReader(MistralClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        this.client = client;
    }

    public string Model { get; init; } = DefaultModel;

    /// <summary>Larger files are refused before they are read or sent.</summary>
    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;

    /// <summary>The request that sends <paramref name="bytes"/> (a PDF or an image) for OCR.</summary>
    /// <exception cref="OcrException">The bytes are not a PDF, PNG, JPEG, TIFF or WebP file.</exception>
    public OcrRequest CreateRequest(string source, byte[] bytes)
    {
        var mediaType = OcrMediaType.Sniff(bytes)
            ?? throw new OcrException(source, "its bytes are not those of a PDF, PNG, JPEG, TIFF or WebP file (damaged, or named for another format)");
        var url = $"data:{mediaType};base64,{Convert.ToBase64String(bytes)}";
        return new OcrRequest
        {
            Model = Model,
            Document = mediaType == OcrMediaType.Pdf ? OcrDocument.FromDocumentUrl(url, Path.GetFileName(source)) : OcrDocument.FromImageUrl(url),
            IncludeImageBase64 = false,
        };
    }

    /// <summary>Reads a file with OCR.</summary>
    /// <exception cref="OcrException">Too large, not a readable format, refused by the server, or no text found.</exception>
    /// <exception cref="MistralException">The key was refused or the client is misconfigured: no other file can succeed either.</exception>
    public async Task<LoadedDocument> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var source = Path.GetFullPath(path);
        var bytes = ReadBytes(source);
        var request = CreateRequest(source, bytes);
        OcrResponse response;
        try
        {
            response = await client.OcrAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (MistralException ex) when (ex.Kind is not (MistralErrorKind.Unauthorized or MistralErrorKind.Forbidden or MistralErrorKind.Configuration))
        {
            throw new OcrException(source, $"the OCR request failed ({ex.Message.TrimEnd('.')})", ex);
        }

        var format = request.Document.Type == OcrDocument.ImageUrlType ? DocumentFormats.Image : DocumentFormats.Pdf;
        return ToDocument(source, format, response);
    }

    /// <summary>The pages' Markdown as one text, pages in order and apart by a blank line; pages without text are left out.</summary>
    /// <exception cref="OcrException">No page has any text.</exception>
    public static LoadedDocument ToDocument(string source, string format, OcrResponse response)
    {
        var text = new StringBuilder();
        var pages = new List<DocumentPage>();
        foreach (var page in response.Pages.OrderBy(p => p.Index))
        {
            var markdown = page.Markdown.Trim();
            if (markdown.Length == 0)
            {
                continue;
            }

            if (text.Length > 0)
            {
                text.Append("\n\n");
            }

            pages.Add(new DocumentPage(page.Index + 1, text.Length, markdown.Length));
            text.Append(markdown);
        }

        if (pages.Count == 0)
        {
            throw new OcrException(source, $"OCR found no text on its {response.Pages.Count} page(s)");
        }

        return new LoadedDocument(source, text.ToString(), format, null) { Pages = pages };
    }

    private byte[] ReadBytes(string source)
    {
        try
        {
            using var stream = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length > MaxFileBytes)
            {
                throw new OcrException(source, $"the file is too large for OCR ({Size(stream.Length)}; the limit is {Size(MaxFileBytes)})");
            }

            if (stream.Length == 0)
            {
                throw new OcrException(source, "the file is empty");
            }

            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OcrException(source, $"the file cannot be read ({ex.Message.TrimEnd('.')})", ex);
        }
    }

    private static string Size(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.#} MiB" : $"{bytes:N0} bytes";
}
