using System.Text;

namespace MixtralPS.Core.Input;

/// <summary>
/// The user message of a chat over piped input: the instruction, then the piped data in pipeline order, each run
/// of one kind in its own delimited block. Secrets in the data are redacted, and the message says so. With a token
/// limit, the data is cut at an item boundary (a line of text, an object, an error), never inside one.
/// </summary>
public sealed class PipedPrompt
{
    private PipedPrompt(string message, int itemsSent, int itemsTotal, int dataTokens, int redactions)
    {
        Message = message;
        ItemsSent = itemsSent;
        ItemsTotal = itemsTotal;
        DataTokens = dataTokens;
        Redactions = redactions;
    }

    public string Message { get; }

    /// <summary>Items sent and items piped: lines of text, objects and errors each count one.</summary>
    public int ItemsSent { get; }

    public int ItemsTotal { get; }

    public bool WasCut => ItemsSent < ItemsTotal;

    /// <summary>Estimated tokens of the piped data as sent (delimiters included, instruction not).</summary>
    public int DataTokens { get; }

    /// <summary>How many secret-looking values were replaced by <see cref="SecretRedactor.Placeholder"/>.</summary>
    public int Redactions { get; }

    /// <param name="instruction">The user's own words (-Message); sent as they are.</param>
    /// <param name="maxDataTokens">When given, as many leading items as fit this many tokens.</param>
    public static PipedPrompt Build(string? instruction, IReadOnlyList<PipedItem> items, InputFormat format, int? maxDataTokens = null)
    {
        var units = Units(items);
        var bare = string.IsNullOrEmpty(instruction);
        var sent = units.Count;
        if (maxDataTokens is { } limit && TokenEstimate.Of(Render(units, sent, format, bare)) > limit)
        {
            // Tokens grow with every item, so the longest prefix that fits is found by halving. Redaction (slow on
            // large texts) is left out of the search and done once on what is sent.
            var (low, high) = (0, units.Count - 1);
            while (low < high)
            {
                var middle = (low + high + 1) / 2;
                (low, high) = TokenEstimate.Of(Render(units, middle, format, bare)) <= limit ? (middle, high) : (low, middle - 1);
            }

            sent = low;
        }

        var data = SecretRedactor.Redact(Render(units, sent, format, bare));
        while (maxDataTokens is { } cap && sent > 0 && TokenEstimate.Of(data.Text) > cap)
        {
            // A placeholder can be longer than the short secret it replaced.
            data = SecretRedactor.Redact(Render(units, --sent, format, bare));
        }

        var message = new StringBuilder(instruction ?? "");
        if (data.Text.Length > 0)
        {
            message.Append(message.Length > 0 ? "\n\n" : "").Append(data.Text);
        }

        if (data.Count > 0)
        {
            message.Append("\n\n(").Append(data.Count).Append(data.Count == 1 ? " value that looked" : " values that looked")
                .Append(" like a secret (key, token, password) was replaced by ").Append(SecretRedactor.Placeholder).Append(" before sending.)");
        }

        return new PipedPrompt(message.ToString(), sent, units.Count, TokenEstimate.Of(data.Text), data.Count);
    }

    /// <summary>Strings become their lines (a string's final line break dropped, so Get-Content and Get-Content -Raw agree).</summary>
    private static List<PipedItem> Units(IReadOnlyList<PipedItem> items)
    {
        var units = new List<PipedItem>(items.Count);
        foreach (var item in items)
        {
            if (item is PipedText { Text: var text })
            {
                text = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
                units.AddRange(text.Split('\n').Select(line => new PipedText(line)));
            }
            else
            {
                units.Add(item);
            }
        }

        return units;
    }

    /// <param name="bare">No instruction: text alone is sent as it is, the way a piped message always was.</param>
    private static string Render(List<PipedItem> units, int count, InputFormat format, bool bare)
    {
        if (bare && units.Take(count).All(u => u is PipedText))
        {
            return string.Join('\n', units.Take(count).Select(u => ((PipedText)u).Text));
        }

        var text = new StringBuilder();
        for (var i = 0; i < count;)
        {
            var end = i + 1;
            switch (units[i])
            {
                case PipedText:
                    while (end < count && units[end] is PipedText)
                    {
                        end++;
                    }

                    Block(text, "type=\"text\"", string.Join('\n', units.Skip(i).Take(end - i).Select(u => ((PipedText)u).Text)));
                    break;
                case PipedData { Record: var first }:
                    while (end < count && units[end] is PipedData { Record: var next } && first.HasShapeOf(next))
                    {
                        end++;
                    }

                    // Rows have no text form of their own: as text they are a table.
                    var rows = format == InputFormat.Text ? InputFormat.Table : format;
                    var records = units.Skip(i).Take(end - i).Select(u => ((PipedData)u).Record).ToList();
                    Block(text, $"type=\"{FormatName(rows)}\" of=\"{first.TypeName}\" count=\"{records.Count}\"", DataRenderer.Render(records, rows));
                    break;
                case PipedBlock block:
                    Block(text, $"type=\"{block.Kind}\" of=\"{block.Label}\"", block.Text);
                    break;
            }

            i = end;
        }

        return text.ToString().TrimEnd('\n');
    }

    private static void Block(StringBuilder text, string attributes, string content) =>
        text.Append("<input ").Append(attributes).Append(">\n").Append(content.TrimEnd('\n')).Append("\n</input>\n\n");

    private static string FormatName(InputFormat format) => format switch
    {
        InputFormat.Csv => "csv",
        InputFormat.Json => "json",
        _ => "table",
    };
}
