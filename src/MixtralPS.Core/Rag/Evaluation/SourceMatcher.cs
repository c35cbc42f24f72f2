namespace MixtralPS.Core.Rag.Evaluation;

/// <summary>
/// Whether a result's source is an expected one. Ignoring case, as Find-RagContext -Source does, an expected source
/// matches a result source when
/// <list type="bullet">
/// <item>it holds * or ?: as a wildcard over the whole source (* any run of characters, ? one character);</item>
/// <item>otherwise when the two are equal, or the result source ends with it right after a / or \: "otters.md" and
/// "docs/otters.md" match "/home/me/docs/otters.md", "ters.md" does not. An id (a BEIR document id) matches itself.</item>
/// </list>
/// </summary>
public static class SourceMatcher
{
    public static bool IsWildcard(string expected) => expected.AsSpan().IndexOfAny('*', '?') >= 0;

    public static bool Matches(string expected, string source)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(source);
        if (IsWildcard(expected))
        {
            return WildcardMatches(expected, source);
        }

        if (source.Length == expected.Length)
        {
            return string.Equals(source, expected, StringComparison.OrdinalIgnoreCase);
        }

        return expected.Length > 0
            && source.Length > expected.Length
            && source.EndsWith(expected, StringComparison.OrdinalIgnoreCase)
            && source[source.Length - expected.Length - 1] is '/' or '\\';
    }

    /// <summary>Glob matching with backtracking to the last *: linear in practice, no regex to escape.</summary>
    private static bool WildcardMatches(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToUpperInvariant(pattern[p]) == char.ToUpperInvariant(text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
