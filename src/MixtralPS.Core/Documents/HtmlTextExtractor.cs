using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace MixtralPS.Core.Documents;

/// <summary>
/// The readable text of an HTML page: title first, then the body with blocks on their own lines and paragraphs
/// separated by a blank line (the chunker splits there), whitespace collapsed as a browser would, and nothing
/// from scripts, styles or hidden elements.
/// </summary>
internal static class HtmlTextExtractor
{
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase)
    {
        "head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas",
        "select", "datalist",
    };

    // Blocks that stand apart by a blank line.
    private static readonly HashSet<string> Paragraphs = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl", "figure", "hr",
        "section", "article", "header", "footer", "main", "nav", "aside", "address", "details", "form", "fieldset",
    };

    // Blocks that start a new line.
    private static readonly HashSet<string> Lines = new(StringComparer.OrdinalIgnoreCase)
    {
        "div", "li", "tr", "dt", "dd", "caption", "figcaption", "summary", "legend", "option", "center", "body",
    };

    public static string Extract(string html, CancellationToken cancellationToken) => ExtractWithHeadings(html, cancellationToken).Text;

    /// <summary>The text, the page's title and its visible headings (level, text as written out) in document order.</summary>
    public static (string Text, string? Title, List<(int Level, string Text)> Headings) ExtractWithHeadings(string html, CancellationToken cancellationToken)
    {
        var document = new HtmlParser().ParseDocument(html);
        var headings = document.QuerySelectorAll("h1, h2, h3, h4, h5, h6")
            .Where(h => !h.GetInclusiveAncestors().OfType<IElement>().Any(a => Skipped.Contains(a.LocalName) || a.HasAttribute("hidden")))
            .Select(h => (Level: h.LocalName[1] - '0', Text: string.Join(' ', (h.TextContent ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))))
            .ToList();
        return (ExtractText(document, cancellationToken), document.Title, headings);
    }

    private static string ExtractText(AngleSharp.Html.Dom.IHtmlDocument document, CancellationToken cancellationToken)
    {
        var writer = new Writer();
        writer.Text(document.Title ?? string.Empty, preformatted: false);
        writer.Break(2);

        // An explicit stack: deeply nested markup must not overflow the call stack.
        var stack = new Stack<(INode Node, bool Leaving)>();
        if (document.Body is { } body)
        {
            stack.Push((body, false));
        }

        var preformatted = 0;
        var visited = 0;
        while (stack.Count > 0)
        {
            if ((++visited & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var (node, leaving) = stack.Pop();
            if (node is IText text)
            {
                writer.Text(text.Data, preformatted > 0);
                continue;
            }

            if (node is not IElement element)
            {
                continue;
            }

            var name = element.LocalName;
            if (leaving)
            {
                writer.Break(BreakAround(name));
                if (name is "pre" or "textarea" or "listing")
                {
                    preformatted--;
                }

                continue;
            }

            if (Skipped.Contains(name) || element.HasAttribute("hidden"))
            {
                continue;
            }

            switch (name)
            {
                case "br":
                    writer.LineBreak();
                    continue;
                case "td" or "th" when element.PreviousElementSibling is { LocalName: "td" or "th" }:
                    writer.CellSeparator();
                    break;
                case "pre" or "textarea" or "listing":
                    preformatted++;
                    break;
            }

            writer.Break(BreakAround(name));
            stack.Push((element, true));
            for (var child = element.LastChild; child is not null; child = child.PreviousSibling)
            {
                stack.Push((child, false));
            }
        }

        return writer.ToString();
    }

    private static int BreakAround(string name) => Paragraphs.Contains(name) ? 2 : Lines.Contains(name) ? 1 : 0;

    /// <summary>Appends text with breaks and spaces deferred until the next visible character, so none dangle.</summary>
    private sealed class Writer
    {
        private readonly StringBuilder text = new();
        private int pendingBreaks;
        private bool pendingSpace;
        private bool pendingCell;

        public void Break(int lines)
        {
            if (lines > pendingBreaks)
            {
                pendingBreaks = lines;
            }
        }

        // Two <br> in a row leave a blank line.
        public void LineBreak() => pendingBreaks = Math.Min(2, pendingBreaks + 1);

        public void CellSeparator() => pendingCell = true;

        public void Text(string value, bool preformatted)
        {
            if (preformatted)
            {
                value = value.ReplaceLineEndings("\n");
            }

            foreach (var c in value)
            {
                if (preformatted && c == '\n')
                {
                    Flush();
                    text.Append('\n');
                    continue;
                }

                if (!preformatted && char.IsWhiteSpace(c))
                {
                    pendingSpace = true;
                    continue;
                }

                Flush();
                text.Append(c);
            }
        }

        public override string ToString() => text.ToString().Trim();

        private void Flush()
        {
            if (text.Length == 0)
            {
                // Nothing written yet: breaks and spaces before the first character are dropped.
            }
            else if (pendingBreaks > 0)
            {
                // Line breaks already written (a <pre> ending in one) count towards those requested.
                var end = text.Length;
                while (end > 0 && text[end - 1] is ' ' or '\t')
                {
                    end--;
                }

                text.Length = end;
                var written = 0;
                while (written < pendingBreaks && end - written > 0 && text[end - written - 1] == '\n')
                {
                    written++;
                }

                text.Append('\n', pendingBreaks - written);
            }
            else if (pendingCell)
            {
                text.Append(" | ");
            }
            else if (pendingSpace && text[^1] != '\n')
            {
                text.Append(' ');
            }

            pendingBreaks = 0;
            pendingSpace = false;
            pendingCell = false;
        }
    }
}
