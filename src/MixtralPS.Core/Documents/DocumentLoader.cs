using MixtralPS.Core.Ocr;

namespace MixtralPS.Core.Documents;

/// <summary>
/// Reads a file's text for indexing, picking the loader by extension and content: plain text and code of any
/// extension, Markdown, HTML, PDF and DOCX. Every file that yields no text fails with a
/// <see cref="DocumentLoadException"/> naming the file and the reason, so a caller can report it and go on.
/// </summary>
public static class DocumentLoader
{
    /// <summary>Loads <paramref name="path"/> with the default limits.</summary>
    public static LoadedDocument Load(string path, CancellationToken cancellationToken = default) =>
        Load(path, DocumentLoadOptions.Default, cancellationToken);

    /// <summary>Loads <paramref name="path"/>.</summary>
    /// <exception cref="DocumentLoadException">Binary, unreadable, too large, damaged, encrypted or empty of text.</exception>
    public static LoadedDocument Load(string path, DocumentLoadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();

        var source = Path.GetFullPath(path);
        if (OcrMediaType.IsImageExtension(source))
        {
            throw new DocumentLoadException(source, $"image ({Path.GetExtension(source).ToLowerInvariant()}), no text to extract") { NeedsOcr = true };
        }

        if (DocumentFormats.IsKnownBinary(source))
        {
            throw new DocumentLoadException(source, $"binary file ({Path.GetExtension(source).ToLowerInvariant()})");
        }

        var bytes = ReadBytes(source, options.MaxFileBytes);
        var format = FormatOf(source, bytes);
        cancellationToken.ThrowIfCancellationRequested();

        string text;
        string? encoding = null;
        string? title = null;
        IReadOnlyList<DocumentSection>? sections = null;
        try
        {
            switch (format)
            {
                case DocumentFormats.Pdf:
                    text = PdfTextExtractor.Extract(bytes, source, cancellationToken);
                    break;
                case DocumentFormats.Docx:
                    text = DocxTextExtractor.Extract(bytes, source, cancellationToken);
                    break;
                case DocumentFormats.Html:
                    var html = TextDecoder.Decode(bytes, source, TextDecoder.SniffDeclaredCharset(bytes));
                    encoding = html.Encoding;
                    (text, title, var headings) = HtmlTextExtractor.ExtractWithHeadings(html.Text, cancellationToken);
                    sections = DocumentStructure.Html(text, title, headings);
                    break;
                case DocumentFormats.Markdown:
                    (text, encoding) = TextDecoder.Decode(bytes, source);
                    (title, sections) = DocumentStructure.Markdown(text);
                    break;
                default:
                    (text, encoding) = TextDecoder.Decode(bytes, source);
                    break;
            }
        }
        catch (Exception e) when (e is not (DocumentLoadException or OperationCanceledException or OutOfMemoryException))
        {
            // The parsers throw many types for broken files; to the caller they all mean "damaged".
            throw new DocumentLoadException(source, $"damaged {format.ToUpperInvariant()} ({FirstSentence(e.Message)})", e);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new DocumentLoadException(source, bytes.Length == 0 ? "empty file" : $"no text in this {FormatName(format)}")
            {
                NeedsOcr = format == DocumentFormats.Pdf && bytes.Length > 0,
            };
        }

        return new LoadedDocument(source, text, format, encoding) { Title = title, Sections = sections };
    }

    /// <summary>A document from text that came as a string (piped objects, Get-Content output).</summary>
    /// <exception cref="DocumentLoadException">The text is empty or whitespace.</exception>
    public static LoadedDocument FromText(string source, string text)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new DocumentLoadException(source, "no text");
        }

        return new LoadedDocument(source, text, DocumentFormats.Text, null);
    }

    private static byte[] ReadBytes(string source, long maxBytes)
    {
        try
        {
            using var stream = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length > maxBytes)
            {
                throw new DocumentLoadException(source, $"file too large ({Size(stream.Length)}; the limit is {Size(maxBytes)})");
            }

            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (FileNotFoundException)
        {
            throw new DocumentLoadException(source, "file not found");
        }
        catch (DirectoryNotFoundException)
        {
            throw new DocumentLoadException(source, "file not found");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DocumentLoadException(source, $"access denied ({FirstSentence(e.Message)})", e);
        }
        catch (IOException e)
        {
            throw new DocumentLoadException(source, $"unreadable ({FirstSentence(e.Message)})", e);
        }
    }

    // Content wins over a misleading extension for the formats whose signature is certain.
    private static string FormatOf(string source, ReadOnlySpan<byte> bytes)
    {
        var byName = DocumentFormats.FromExtension(source);
        if (bytes.StartsWith("%PDF-"u8))
        {
            return DocumentFormats.Pdf;
        }

        if (bytes.StartsWith("PK\x03\x04"u8) && byName != DocumentFormats.Docx)
        {
            throw new DocumentLoadException(source, "binary file (zip archive)");
        }

        if (OcrMediaType.Sniff(bytes) is { } image)
        {
            throw new DocumentLoadException(source, $"{OcrMediaType.Describe(image)}, no text to extract") { NeedsOcr = true };
        }

        string? kind = bytes switch
        {
            [0x1F, 0x8B, ..] => "gzip archive",
            [0x7F, (byte)'E', (byte)'L', (byte)'F', ..] => "ELF executable",
            _ => null,
        };
        return kind is null ? byName : throw new DocumentLoadException(source, $"binary file ({kind})");
    }

    private static string FormatName(string format) => format switch
    {
        DocumentFormats.Pdf => "PDF (no text layer: scanned pages need OCR)",
        DocumentFormats.Docx => "DOCX",
        DocumentFormats.Html => "HTML page",
        _ => "file (whitespace only)",
    };

    private static string FirstSentence(string message)
    {
        message = message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
        return message.Length <= 200 ? message : string.Concat(message.AsSpan(0, 200), "…");
    }

    private static string Size(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.#} MiB" : $"{bytes:N0} bytes";
}
