using System.Text;

namespace MixtralPS.Core.Mcp;

/// <summary>
/// Where an MCP server of a chat is: an http(s) URL (Streamable HTTP), or a command line started as a child
/// process that speaks over its stdin and stdout. The command line is split as a shell would split words (quotes
/// group, nothing is expanded) and run directly, never through a shell.
/// </summary>
public sealed class McpServerAddress
{
    private McpServerAddress(string text, Uri? url, string? command, IReadOnlyList<string> arguments)
    {
        Text = text;
        Url = url;
        Command = command;
        Arguments = arguments;
    }

    /// <summary>As the user gave it: how errors and prompts name the server.</summary>
    public string Text { get; }

    public Uri? Url { get; }

    public string? Command { get; }

    public IReadOnlyList<string> Arguments { get; }

    public override string ToString() => Text;

    /// <exception cref="ArgumentException">Empty, or quotes that do not close.</exception>
    public static McpServerAddress Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("An MCP server is a command line or an http(s) URL; this one is empty.");
        }

        text = text.Trim();
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
        {
            return new McpServerAddress(text, url, null, []);
        }

        var words = Split(text);
        return new McpServerAddress(text, null, words[0], words.Skip(1).ToList());
    }

    /// <summary>Words separated by white space; "double" and 'single' quotes group words and are removed.</summary>
    public static List<string> Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in text)
        {
            if (quote is { } open)
            {
                if (c == open)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (quote is not null)
        {
            throw new ArgumentException($"The MCP server command line has a {quote} that does not close: {text}");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
