namespace MixtralPS.Core.Documents;

/// <summary>The text of one document, ready to chunk.</summary>
/// <param name="Source">Where it came from: the full path of a file, or the name given with piped text.</param>
/// <param name="Text">The text as decoded: line endings kept so offsets map back to the source; no BOM.</param>
/// <param name="Format">"text", "markdown", "html", "pdf", "docx" or "image" (see <see cref="DocumentFormats"/>).</param>
/// <param name="Encoding">The character encoding the bytes were decoded with ("utf-8", "windows-1252", …);
/// null where the format defines its own (PDF, DOCX) or the text came as a string.</param>
public sealed record LoadedDocument(string Source, string Text, string Format, string? Encoding)
{
    /// <summary>
    /// Where each page's text lies in <see cref="Text"/>, for text read page by page (OCR); null otherwise.
    /// Such a document is chunked page by page, so that every chunk belongs to one page.
    /// </summary>
    public IReadOnlyList<DocumentPage>? Pages { get; init; }

    /// <summary>
    /// The document's sections under its headings (Markdown, HTML), covering its text; null where it has no
    /// structure. Such a document is chunked section by section, and each chunk knows its heading path.
    /// </summary>
    public IReadOnlyList<DocumentSection>? Sections { get; init; }

    /// <summary>The document's title where it states one (Markdown front matter, HTML title); otherwise null.</summary>
    public string? Title { get; init; }
}

/// <summary>One page of a <see cref="LoadedDocument"/>: its number (from 1) and its text's span in the document's text.</summary>
public sealed record DocumentPage(int Number, int Start, int Length);
