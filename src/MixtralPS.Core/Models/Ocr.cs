using System.Text.Json.Serialization;

namespace MixtralPS.Core.Models;

/// <summary>The API's OCRRequest (POST /v1/ocr).</summary>
public sealed class OcrRequest
{
    [JsonPropertyName("model")]
    public string Model { get; set; } = "mistral-ocr-latest";

    [JsonPropertyName("document")]
    public OcrDocument Document { get; set; } = new();

    /// <summary>Images cut out of the pages are not needed for indexing; asking for none keeps the answer small.</summary>
    [JsonPropertyName("include_image_base64")]
    public bool? IncludeImageBase64 { get; set; }
}

/// <summary>
/// OCRRequest.document: a DocumentURLChunk (<c>type: document_url</c>, for PDFs) or an ImageURLChunk
/// (<c>type: image_url</c>, for images). One class with the fields of both, the unused ones null and so not
/// written, keeps the request one closed shape per kind without a polymorphic converter.
/// </summary>
public sealed class OcrDocument
{
    public const string DocumentUrlType = "document_url";
    public const string ImageUrlType = "image_url";

    [JsonPropertyName("type")]
    public string Type { get; set; } = DocumentUrlType;

    [JsonPropertyName("document_url")]
    public string? DocumentUrl { get; set; }

    [JsonPropertyName("document_name")]
    public string? DocumentName { get; set; }

    [JsonPropertyName("image_url")]
    public string? ImageUrl { get; set; }

    /// <summary>A DocumentURLChunk: a URL or a data URL such as <c>data:application/pdf;base64,…</c>.</summary>
    public static OcrDocument FromDocumentUrl(string url, string? name) => new() { Type = DocumentUrlType, DocumentUrl = url, DocumentName = name };

    /// <summary>An ImageURLChunk with the URL given as a string, as the schema allows.</summary>
    public static OcrDocument FromImageUrl(string url) => new() { Type = ImageUrlType, ImageUrl = url };
}

/// <summary>The API's OCRResponse.</summary>
public sealed class OcrResponse
{
    [JsonPropertyName("pages")]
    public List<OcrPageObject> Pages { get; set; } = [];

    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("usage_info")]
    public OcrUsageInfo? UsageInfo { get; set; }
}

/// <summary>The API's OCRPageObject: one page's text as Markdown (its images, tables and blocks are not read).</summary>
public sealed class OcrPageObject
{
    /// <summary>The page's index in the document, from 0.</summary>
    [JsonPropertyName("index")]
    public int Index { get; set; }

    [JsonPropertyName("markdown")]
    public string Markdown { get; set; } = "";

    [JsonPropertyName("dimensions")]
    public OcrPageDimensions? Dimensions { get; set; }
}

/// <summary>The API's OCRPageDimensions.</summary>
public sealed class OcrPageDimensions
{
    [JsonPropertyName("dpi")]
    public int Dpi { get; set; }

    [JsonPropertyName("height")]
    public int Height { get; set; }

    [JsonPropertyName("width")]
    public int Width { get; set; }
}

/// <summary>The API's OCRUsageInfo.</summary>
public sealed class OcrUsageInfo
{
    [JsonPropertyName("pages_processed")]
    public int PagesProcessed { get; set; }

    [JsonPropertyName("doc_size_bytes")]
    public long? DocSizeBytes { get; set; }
}
