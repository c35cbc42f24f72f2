using System.Text;
using System.Text.RegularExpressions;

namespace MixtralPS.Core.Documents;

/// <summary>
/// Turns a text file's bytes into a string by validity, never by a silent guess: a byte-order mark decides
/// first, then strict UTF-8, then (for HTML) a declared charset, then Windows-1252 when every byte is defined
/// there. Anything else is refused, as are files that look binary.
/// </summary>
internal static partial class TextDecoder
{
    /// <summary>How much of the start of a file the binary check reads.</summary>
    public const int SniffLength = 8192;

    public const string Utf8 = "utf-8";
    public const string Utf8Bom = "utf-8-bom";
    public const string Windows1252 = "windows-1252";

    // Strict decoders: invalid bytes throw instead of becoming U+FFFD.
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, true);
    private static readonly Encoding StrictUtf16Le = new UnicodeEncoding(false, false, true);
    private static readonly Encoding StrictUtf16Be = new UnicodeEncoding(true, false, true);
    private static readonly Encoding StrictUtf32Le = new UTF32Encoding(false, false, true);
    private static readonly Encoding StrictUtf32Be = new UTF32Encoding(true, false, true);

    static TextDecoder()
    {
        // Windows-1252 and declared legacy charsets live in the runtime's code-page provider.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    /// <summary>The text of <paramref name="bytes"/> and the name of the encoding it was decoded with.</summary>
    /// <param name="declaredCharset">A charset the content names (HTML's meta charset), tried after UTF-8.</param>
    public static (string Text, string Encoding) Decode(ReadOnlySpan<byte> bytes, string source, string? declaredCharset = null)
    {
        if (DetectBom(bytes) is { } bom)
        {
            string text;
            try
            {
                text = bom.Encoding.GetString(bytes[bom.Length..]);
            }
            catch (DecoderFallbackException)
            {
                throw new DocumentLoadException(source, $"invalid {bom.Name} text after its byte-order mark");
            }

            if (LooksBinary(text.AsSpan(0, Math.Min(text.Length, SniffLength))))
            {
                throw new DocumentLoadException(source, "binary file (control characters)");
            }

            return (text, bom.Name);
        }

        var sniff = bytes[..Math.Min(bytes.Length, SniffLength)];
        if (sniff.Contains((byte)0))
        {
            throw new DocumentLoadException(source, "binary file (NUL bytes)");
        }

        if (LooksBinary(sniff))
        {
            throw new DocumentLoadException(source, "binary file (control characters)");
        }

        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return (StrictUtf8.GetString(bytes), Utf8);
        }

        if (DeclaredEncoding(declaredCharset) is { } declared)
        {
            try
            {
                return (declared.GetString(bytes), declared.WebName);
            }
            catch (DecoderFallbackException)
            {
                throw new DocumentLoadException(source, $"not valid {declared.WebName} text, the charset it declares");
            }
        }

        // Bytes 0x81, 0x8D, 0x8F, 0x90 and 0x9D are undefined in Windows-1252: such a file is some other encoding.
        if (bytes.IndexOfAny([(byte)0x81, (byte)0x8D, (byte)0x8F, (byte)0x90, (byte)0x9D]) < 0)
        {
            return (Encoding.GetEncoding(1252).GetString(bytes), Windows1252);
        }

        throw new DocumentLoadException(source, "unknown text encoding (neither UTF-8 nor Windows-1252, and no byte-order mark)");
    }

    /// <summary>The charset an HTML or XML document declares in its first kilobyte, if any.</summary>
    public static string? SniffDeclaredCharset(ReadOnlySpan<byte> bytes)
    {
        var head = Encoding.Latin1.GetString(bytes[..Math.Min(bytes.Length, 1024)]);
        var match = DeclaredCharsetPattern().Match(head);
        return match.Success ? match.Groups["name"].Value : null;
    }

    private static (Encoding Encoding, int Length, string Name)? DetectBom(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0xEF, 0xBB, 0xBF, ..] => (StrictUtf8, 3, Utf8Bom),
        [0xFF, 0xFE, 0x00, 0x00, ..] => (StrictUtf32Le, 4, "utf-32le"),
        [0x00, 0x00, 0xFE, 0xFF, ..] => (StrictUtf32Be, 4, "utf-32be"),
        [0xFF, 0xFE, ..] => (StrictUtf16Le, 2, "utf-16le"),
        [0xFE, 0xFF, ..] => (StrictUtf16Be, 2, "utf-16be"),
        _ => null,
    };

    // A declared charset matters only when it is not one the fallbacks already cover (UTF-8, ASCII, Latin-1 as 1252).
    private static Encoding? DeclaredEncoding(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return null;
        }

        try
        {
            var encoding = Encoding.GetEncoding(charset.Trim(), EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
            return encoding.CodePage is 65001 or 20127 or 28591 or 1252 or 1200 or 1201 or 12000 or 12001 ? null : encoding;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // Text has few control characters besides tab, line breaks, form feed and ESC (coloured logs); binary has many.
    private static bool LooksBinary(ReadOnlySpan<byte> sample)
    {
        var controls = 0;
        foreach (var b in sample)
        {
            if (IsSuspectControl(b))
            {
                controls++;
            }
        }

        return controls > sample.Length / 10;
    }

    private static bool LooksBinary(ReadOnlySpan<char> sample)
    {
        var controls = 0;
        foreach (var c in sample)
        {
            if (c == '\0' || (c < 0x80 && IsSuspectControl((byte)c)))
            {
                controls++;
            }
        }

        return controls > sample.Length / 10;
    }

    private static bool IsSuspectControl(byte b) => (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C or 0x1B)) || b == 0x7F;

    [GeneratedRegex("""<meta[^>]+charset\s*=\s*["']?\s*(?<name>[A-Za-z0-9_.:\-]+)|<\?xml[^>]+encoding\s*=\s*["'](?<name>[A-Za-z0-9_.:\-]+)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DeclaredCharsetPattern();
}
