using MixtralPS.Core.Json;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Client;

public sealed partial class MistralClient
{
    /// <summary>Reads a document or image with the OCR model (POST /v1/ocr): its pages as Markdown.</summary>
    public async Task<OcrResponse> OcrAsync(OcrRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.Document.DocumentUrl) && string.IsNullOrEmpty(request.Document.ImageUrl))
        {
            throw new ArgumentException("An OCR request needs a document URL or an image URL.", nameof(request));
        }

        using var response = await SendAsync(HttpMethod.Post, "ocr", Serialize(request, MistralJsonContext.Default.OcrRequest), streaming: false, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, MistralJsonContext.Default.OcrResponse, "OCR response", cancellationToken).ConfigureAwait(false);
    }
}
