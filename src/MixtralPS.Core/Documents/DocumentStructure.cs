using System.Text.RegularExpressions;

namespace MixtralPS.Core.Documents;

/// <summary>
/// The headings of Markdown and HTML documents turned into sections, so that chunks are cut at headings first and
/// each knows where it sits. Plain text, PDF and DOCX have no structure here and keep the plain splitter.
/// </summary>
public static partial class DocumentStructure
{
    /// <summary>Headings deeper than this stay inside their parent's section (too small to stand alone).</summary>
    private const int MaxLevel = 4;

    /// <summary>A heading path longer than this is cut from the left, keeping the nearest headings (it is embedded with every chunk).</summary>
    private const int MaxPathLength = 160;

    /// <summary>
    /// Sections of a Markdown text: ATX (# …) and setext (underlined) headings outside fenced code; YAML front matter
    /// gives the title (its title: key) and is left out of every section.
    /// </summary>
    public static (string? Title, IReadOnlyList<DocumentSection> Sections) Markdown(string text)
    {
        var headings = new List<(int Start, int Level, string Text)>();
        string? title = null;
        var bodyStart = 0;
        if (FrontMatter().Match(text) is { Success: true } front)
        {
            bodyStart = front.Length;
            title = TitleKey().Match(front.Value) is { Success: true } t ? Unquote(t.Groups[1].Value.Trim()) : null;
        }

        var lines = LinesOf(text, bodyStart);
        string? fence = null;
        for (var i = 0; i < lines.Count; i++)
        {
            var (start, line) = lines[i];
            var trimmed = line.TrimStart();
            if (FenceOpen().Match(trimmed) is { Success: true } f && line.Length - trimmed.Length < 4)
            {
                var marker = f.Groups[1].Value;
                if (fence is null)
                {
                    fence = marker;
                }
                else if (marker[0] == fence[0] && marker.Length >= fence.Length && trimmed.TrimEnd() == marker)
                {
                    fence = null;
                }

                continue;
            }

            if (fence is not null)
            {
                continue;
            }

            if (Atx().Match(line) is { Success: true } atx)
            {
                headings.Add((start, atx.Groups[1].Length, atx.Groups[2].Value.Trim().TrimEnd('#').Trim()));
            }
            else if (i + 1 < lines.Count && trimmed.Length > 0 && Setext().Match(lines[i + 1].Line) is { Success: true } under
                && (i == 0 || lines[i - 1].Line.Trim().Length == 0))
            {
                headings.Add((start, under.Groups[1].Value[0] == '=' ? 1 : 2, trimmed.Trim()));
                i++;
            }
        }

        return (title, Sections(text, bodyStart, title, headings));
    }

    /// <summary>Sections of text extracted from HTML, given the page's title and its headings (level, text) in document order.</summary>
    public static IReadOnlyList<DocumentSection> Html(string text, string? title, IReadOnlyList<(int Level, string Text)> headings)
    {
        var found = new List<(int Start, int Level, string Text)>();
        var from = 0;
        foreach (var (level, heading) in headings)
        {
            if (heading.Length == 0)
            {
                continue;
            }

            // The extractor wrote each heading as a block of its own: find it at a line start, in order.
            for (var at = text.IndexOf(heading, from, StringComparison.Ordinal); at >= 0; at = text.IndexOf(heading, at + 1, StringComparison.Ordinal))
            {
                if (at == 0 || text[at - 1] == '\n')
                {
                    found.Add((at, level, heading));
                    from = at + heading.Length;
                    break;
                }
            }
        }

        return Sections(text, 0, string.IsNullOrWhiteSpace(title) ? null : title.Trim(), found);
    }

    private static List<DocumentSection> Sections(string text, int bodyStart, string? title, List<(int Start, int Level, string Text)> headings)
    {
        var sections = new List<DocumentSection>();
        var path = new List<(int Level, string Text)>();
        var start = bodyStart;
        string? current = title;
        foreach (var (at, level, heading) in headings.Where(h => h.Level <= MaxLevel))
        {
            Add(start, at);
            while (path.Count > 0 && path[^1].Level >= level)
            {
                path.RemoveAt(path.Count - 1);
            }

            path.Add((level, heading));
            current = Path(title, path);
            start = at;
        }

        Add(start, text.Length);
        return sections;

        void Add(int from, int to)
        {
            var body = text.AsSpan(from, to - from).Trim();
            // Text that is only the title (HTML's title line before the first heading) is no section of its own.
            if (body.Length > 0 && !(title is not null && body.Equals(title, StringComparison.OrdinalIgnoreCase)))
            {
                sections.Add(new DocumentSection(from, to - from, current));
            }
        }
    }

    private static string? Path(string? title, List<(int Level, string Text)> headings)
    {
        var parts = new List<string>();
        if (title is not null)
        {
            parts.Add(title);
        }

        // A first heading that repeats the title (a Markdown # Title under front matter, an HTML h1) is said once.
        parts.AddRange(headings.Select(h => h.Text).Where((h, i) => !(i == 0 && title is not null && string.Equals(h, title, StringComparison.OrdinalIgnoreCase))));
        var joined = string.Join(" > ", parts.Where(p => p.Length > 0));
        while (joined.Length > MaxPathLength && parts.Count > 1)
        {
            parts.RemoveAt(0);
            joined = string.Join(" > ", parts);
        }

        return joined.Length == 0 ? null : joined.Length > MaxPathLength ? joined[..MaxPathLength] : joined;
    }

    private static List<(int Start, string Line)> LinesOf(string text, int from)
    {
        var lines = new List<(int, string)>();
        for (var start = from; start < text.Length;)
        {
            var end = text.IndexOf('\n', start);
            var stop = end < 0 ? text.Length : end;
            lines.Add((start, text[start..stop].TrimEnd('\r')));
            start = stop + 1;
        }

        return lines;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' && value[^1] == '"' || value[0] == '\'' && value[^1] == '\'') ? value[1..^1] : value;

    [GeneratedRegex(@"\A(?:\uFEFF)?---[ \t]*\r?\n(?:.*\r?\n)*?(?:---|\.\.\.)[ \t]*(?:\r?\n|\z)")]
    private static partial Regex FrontMatter();

    [GeneratedRegex(@"^title:[ \t]*(.+)$", RegexOptions.Multiline)]
    private static partial Regex TitleKey();

    [GeneratedRegex(@"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*$")]
    private static partial Regex Atx();

    [GeneratedRegex(@"^ {0,3}(=+|-+)[ \t]*$")]
    private static partial Regex Setext();

    [GeneratedRegex(@"^(`{3,}|~{3,})")]
    private static partial Regex FenceOpen();
}
