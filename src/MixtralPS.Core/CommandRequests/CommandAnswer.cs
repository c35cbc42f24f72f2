using System.Text.Json;
using System.Text.RegularExpressions;

namespace MixtralPS.Core.CommandRequests;

/// <summary>The command and explanation read from a model's answer.</summary>
public sealed partial record CommandAnswer(string Command, string Explanation)
{
    /// <summary>
    /// Reads the answer: JSON {"command", "explanation"} (also inside a code fence or after some prose); else the
    /// first fenced code block, the text around it being the explanation; else a one-line answer as the command.
    /// Null when no command can be found (an empty answer, prose, a refusal).
    /// </summary>
    public static CommandAnswer? Read(string? content)
    {
        var text = content?.Trim() ?? "";
        if (text.Length == 0)
        {
            return null;
        }

        if (FromJson(text) is { } json)
        {
            return json;
        }

        var fence = FencePattern().Match(text);
        if (fence.Success)
        {
            var code = fence.Groups["code"].Value.Trim();
            if (FromJson(code) is { } fencedJson)
            {
                return fencedJson;
            }

            var explanation = (text[..fence.Index] + " " + text[(fence.Index + fence.Length)..]).Trim();
            return code.Length == 0 ? null : new CommandAnswer(CleanCommand(code), Regex.Replace(explanation, @"\s+", " "));
        }

        return text.Contains('\n') || text.StartsWith('{') ? null : new CommandAnswer(CleanCommand(text), "");
    }

    private static CommandAnswer? FromJson(string text)
    {
        var start = text.IndexOf('{');
        var end = text.LastIndexOf('}');
        if (start < 0 || end <= start)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(text[start..(end + 1)]);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var command = StringProperty(doc.RootElement, "command");
            return string.IsNullOrWhiteSpace(command)
                ? null
                : new CommandAnswer(CleanCommand(command), StringProperty(doc.RootElement, "explanation")?.Trim() ?? "");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? StringProperty(JsonElement obj, string name)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
            {
                return property.Value.GetString();
            }
        }

        return null;
    }

    /// <summary>Markdown the model put around the command: a code fence, inline-code backticks, a prompt.</summary>
    public static string CleanCommand(string command)
    {
        var text = command.Trim();
        var fence = FencePattern().Match(text);
        if (fence.Success && fence.Index == 0 && fence.Length == text.Length)
        {
            text = fence.Groups["code"].Value.Trim();
        }

        // One pair of backticks around the whole line is inline code; a backtick inside is PowerShell's escape.
        if (text.Length > 2 && text[0] == '`' && text[^1] == '`' && text.IndexOf('`', 1) == text.Length - 1)
        {
            text = text[1..^1].Trim();
        }

        if (text.StartsWith("PS> ", StringComparison.Ordinal))
        {
            text = text[4..].Trim();
        }

        return text;
    }

    [GeneratedRegex(@"```[^\S\n]*(?<lang>[\w+-]*)[^\S\n]*\n(?<code>.*?)\n?[^\S\n]*```", RegexOptions.Singleline)]
    private static partial Regex FencePattern();
}
