using System.Text;
using System.Text.Json;

namespace MixtralPS.Core.Tools;

/// <summary>The text a tool message carries: results under a size cap, and errors as a small JSON object.</summary>
public static class ToolResultText
{
    /// <summary>An error the model can read and act on: {"error": "..."}.</summary>
    public static string Error(string message)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("error", message);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// Cuts a result longer than the cap, and says so at the end so the model knows it has only the start
    /// (a result cut mid-JSON is no longer valid JSON, and the note explains why).
    /// </summary>
    public static (string Text, int? CutFrom) Cap(string text, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= maxChars)
        {
            return (text, null);
        }

        var keep = maxChars;
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return (text[..keep] + $"\n[Result cut: only the first {keep} of {text.Length} characters are shown.]", text.Length);
    }
}
