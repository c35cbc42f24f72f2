using System.Text.Json;

namespace MixtralPS.Core.Models;

/// <summary>
/// One part of a message's content, as the API's ContentChunk union: text, an image, a document, the model's
/// thinking, references. A part this client does not know is kept whole (<see cref="UnknownChunk"/>), so a
/// conversation round-trips what a newer API sends instead of losing it.
/// </summary>
public abstract class ContentChunk
{
    /// <summary>The chunk's "type" on the wire.</summary>
    public abstract string Type { get; }
}

/// <summary>The API's TextChunk.</summary>
public sealed class TextChunk(string text) : ContentChunk
{
    public override string Type => "text";

    public string Text { get; } = text;

    public override string ToString() => Text;
}

/// <summary>The API's ImageURLChunk: an https URL or a data URL (data:image/png;base64,...).</summary>
public sealed class ImageUrlChunk(string url, string? detail = null) : ContentChunk
{
    public override string Type => "image_url";

    public string Url { get; } = url;

    /// <summary>low, auto or high; null leaves it to the API.</summary>
    public string? Detail { get; } = detail;

    public override string ToString() => Url.StartsWith("data:", StringComparison.Ordinal) ? $"[image {Url[5..Math.Max(5, Url.IndexOf(';'))]}]" : $"[image {Url}]";
}

/// <summary>The API's DocumentURLChunk: an https URL or a data URL of a PDF.</summary>
public sealed class DocumentUrlChunk(string url, string? documentName = null) : ContentChunk
{
    public override string Type => "document_url";

    public string Url { get; } = url;

    public string? DocumentName { get; } = documentName;

    public override string ToString() => $"[document {DocumentName ?? (Url.StartsWith("data:", StringComparison.Ordinal) ? "(attached)" : Url)}]";
}

/// <summary>The API's ThinkChunk: a reasoning model's thinking, itself a list of chunks (text, references).</summary>
public sealed class ThinkChunk(IReadOnlyList<ContentChunk> thinking, string? signature = null, bool? closed = null) : ContentChunk
{
    public override string Type => "thinking";

    public IReadOnlyList<ContentChunk> Thinking { get; } = thinking;

    /// <summary>Lets the API replay the reasoning on the next turn; sent back as it came.</summary>
    public string? Signature { get; } = signature;

    public bool? Closed { get; } = closed;

    /// <summary>The text of the thinking.</summary>
    public string Text => string.Concat(Thinking.OfType<TextChunk>().Select(t => t.Text));

    public override string ToString() => Text;
}

/// <summary>The API's ReferenceChunk: ids of the sources (tool results, documents) an answer drew on.</summary>
public sealed class ReferenceChunk(IReadOnlyList<JsonElement> referenceIds) : ContentChunk
{
    public override string Type => "reference";

    public IReadOnlyList<JsonElement> ReferenceIds { get; } = referenceIds;

    public override string ToString() => $"[references {string.Join(", ", ReferenceIds.Select(r => r.ToString()))}]";
}

/// <summary>A chunk of a type this client does not know (audio, file, a newer one): kept as it came, sent back as it came.</summary>
public sealed class UnknownChunk(string type, JsonElement raw) : ContentChunk
{
    public override string Type { get; } = type;

    public JsonElement Raw { get; } = raw;

    public override string ToString() => $"[{Type}]";
}
