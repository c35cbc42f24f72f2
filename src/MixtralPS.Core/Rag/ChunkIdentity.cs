using System.Security.Cryptography;
using System.Text;

namespace MixtralPS.Core.Rag;

/// <summary>
/// A chunk's identity: a hash of the embedding model's name, its heading path and its text with whitespace runs made
/// one space. Two chunks with one identity have one embedding, so an edited document re-embeds only the chunks whose
/// identity is new and takes the stored vectors of the rest, in every store.
/// </summary>
public static class ChunkIdentity
{
    public static string Of(string model, string? heading, string text)
    {
        var normalised = new StringBuilder(model.Length + (heading?.Length ?? 0) + text.Length + 2);
        normalised.Append(model).Append('\n');
        AppendCollapsed(normalised, heading ?? "");
        normalised.Append('\n');
        AppendCollapsed(normalised, text);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(normalised.ToString())), 0, 16);
    }

    /// <summary>What is embedded and keyword-indexed for a chunk: its heading path on a line of its own, then its text.</summary>
    public static string WithHeading(string? heading, string text) => string.IsNullOrEmpty(heading) ? text : heading + "\n" + text;

    private static void AppendCollapsed(StringBuilder into, string text)
    {
        var space = false;
        foreach (var c in text.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                into.Append(' ');
                space = false;
            }

            into.Append(c);
        }
    }
}
