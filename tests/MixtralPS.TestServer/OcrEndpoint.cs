using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MixtralPS.TestServer;

/// <summary>
/// POST /v1/ocr: a documented OCRResponse with deterministic Markdown per page derived from the input (or the
/// scripted reply's <see cref="ScriptedReply.Pages"/>). The document must be a base64 data URL whose bytes are
/// of the media type it names, as the real service requires; otherwise 422.
/// </summary>
internal static partial class OcrEndpoint
{
    public static async Task HandleAsync(HttpContext ctx, JsonObject request, ScriptedReply? reply)
    {
        var document = request["document"] as JsonObject ?? [];
        var url = document["type"]?.GetValue<string>() == "image_url"
            ? document["image_url"] switch { JsonObject o => o["url"]?.GetValue<string>(), var s => s?.GetValue<string>() }
            : document["document_url"]?.GetValue<string>();
        var name = document["document_name"]?.GetValue<string>() ?? "image";
        if (!TryDecode(url, out var mediaType, out var bytes, out var problem))
        {
            await Json.WriteAsync(ctx, 422, Json.MistralError($"Invalid document: {problem}", "invalid_request_file", "3310"));
            return;
        }

        var pageCount = mediaType == "application/pdf" ? Math.Max(1, PdfPage().Count(Encoding.Latin1.GetString(bytes))) : 1;
        var digest = Convert.ToHexString(SHA256.HashData(bytes))[..8].ToLowerInvariant();
        var markdown = reply?.Pages ?? Enumerable.Range(1, pageCount).Select(n => $"# Page {n}\n\nScanned text of {name}, page {n} ({digest}).").ToArray();
        var pages = new JsonArray(markdown.Select((text, i) => (JsonNode)new JsonObject
        {
            ["index"] = i,
            ["markdown"] = text,
            ["images"] = new JsonArray(),
            ["dimensions"] = new JsonObject { ["dpi"] = 200, ["height"] = 2200, ["width"] = 1700 },
        }).ToArray());
        await Json.WriteAsync(ctx, reply?.Status ?? 200, new JsonObject
        {
            ["pages"] = pages,
            ["model"] = reply?.Model ?? request["model"]?.GetValue<string>() ?? "mistral-ocr-latest",
            ["usage_info"] = new JsonObject { ["pages_processed"] = markdown.Length, ["doc_size_bytes"] = bytes.Length },
        });
    }

    private static bool TryDecode(string? url, out string mediaType, out byte[] bytes, out string problem)
    {
        mediaType = "";
        bytes = [];
        var match = url is null ? null : DataUrl().Match(url);
        if (match is not { Success: true })
        {
            problem = "the test server reads base64 data URLs only";
            return false;
        }

        mediaType = match.Groups[1].Value;
        try { bytes = Convert.FromBase64String(match.Groups[2].Value); }
        catch (FormatException) { problem = "the data URL is not valid base64"; return false; }

        var signature = mediaType switch
        {
            "application/pdf" => "%PDF-"u8.ToArray(),
            "image/png" => [0x89, (byte)'P', (byte)'N', (byte)'G'],
            "image/jpeg" => [0xFF, 0xD8, 0xFF],
            "image/tiff" => bytes.AsSpan().StartsWith("MM"u8) ? [(byte)'M', (byte)'M', 0, 0x2A] : [(byte)'I', (byte)'I', 0x2A, 0],
            "image/webp" => "RIFF"u8.ToArray(),
            _ => null,
        };
        problem = signature is null ? $"unsupported media type {mediaType}"
            : !bytes.AsSpan().StartsWith(signature) ? $"the bytes are not a {mediaType} file" : "";
        return problem.Length == 0;
    }

    [GeneratedRegex(@"^data:([\w.+-]+/[\w.+-]+);base64,(.*)$", RegexOptions.Singleline)]
    private static partial Regex DataUrl();

    // A page object ("/Type /Page"), not the page tree ("/Type /Pages").
    [GeneratedRegex(@"/Type\s*/Page(?![A-Za-z])")]
    private static partial Regex PdfPage();
}
