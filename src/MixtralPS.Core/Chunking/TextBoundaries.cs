using System.Buffers;
using System.Globalization;

namespace MixtralPS.Core.Chunking;

/// <summary>Where text may be cut, best first: paragraph, line, sentence, word, character.</summary>
internal static class TextBoundaries
{
    private const char ZeroWidthJoiner = '\u200D';

    // How far a character cut backs off to keep a combining sequence whole; bounded so pathological text stays linear.
    private const int MaxClusterBackoff = 32;

    private static readonly SearchValues<char> SentencePunctuation = SearchValues.Create(".!?\u2026\u3002\uFF01\uFF1F\uFF0E");

    // Every character char.IsWhiteSpace accepts.
    private static readonly SearchValues<char> Whitespace = SearchValues.Create(
        Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(char.IsWhiteSpace).ToArray());

    // What a word follows: whitespace, or a CJK sentence end (CJK text has no spaces).
    private static readonly SearchValues<char> WordSeparators = SearchValues.Create(
        Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(c => char.IsWhiteSpace(c) || IsCjkSentenceEnd(c)).ToArray());

    /// <summary>
    /// The best cut p in (lo, hi] — the piece before it is <c>[…, p)</c> — preferring the last paragraph break,
    /// then the last line break, sentence end and word end. With none, a character cut at <paramref name="hi"/>
    /// that never splits a surrogate pair (it may then exceed <paramref name="hi"/> by one).
    /// Needs <c>lo &lt; hi &lt; text.Length</c>.
    /// </summary>
    public static int FindBreak(string text, int lo, int hi)
    {
        // Each kind is found with the runtime's vectorised searches: chunking stays fast even in a debug build.
        return LineBreak(text, lo, hi) is var line and >= 0 ? line
            : SentenceEnd(text, lo, hi) is var sentence and >= 0 ? sentence
            : WordEnd(text, lo, hi) is var word and >= 0 ? word
            : CharacterBreak(text, lo, hi);
    }

    // The last paragraph break in (lo, hi], else the last line break; a "\r\n" is cut before its '\r'.
    private static int LineBreak(string text, int lo, int hi)
    {
        var line = -1;
        var window = text.AsSpan(0, hi + 1);
        var p = hi + 1;
        while ((p = window[(lo + 1)..p].LastIndexOfAny('\n', '\r')) >= 0)
        {
            p += lo + 1;
            if (text[p] == '\n' && text[p - 1] == '\r')
            {
                continue;
            }

            if (IsParagraphBreak(text, p))
            {
                return p;
            }

            if (line < 0)
            {
                line = p;
            }
        }

        return line;
    }

    // The last p in (lo, hi] just after ". ", "! ", "? " (also after a closing quote or bracket), or after 。！？.
    private static int SentenceEnd(string text, int lo, int hi)
    {
        var window = text.AsSpan(0, hi);
        var q = hi;
        while ((q = window[lo..q].LastIndexOfAny(SentencePunctuation)) >= 0)
        {
            q += lo;
            if (IsCjkSentenceEnd(text[q]))
            {
                return q + 1;
            }

            var p = q + 1;
            if (p < hi && text[p] is '"' or '\'' or ')' or ']' or '\u201D' or '\u2019' or '\u00BB')
            {
                p++;
            }

            if (p <= hi && char.IsWhiteSpace(text[p]))
            {
                return p;
            }
        }

        return -1;
    }

    // The last p in (lo, hi] where whitespace follows a non-whitespace character: the start of the last run.
    private static int WordEnd(string text, int lo, int hi)
    {
        var window = text.AsSpan(0, hi + 1);
        var last = window[(lo + 1)..].LastIndexOfAny(Whitespace);
        if (last < 0)
        {
            return -1;
        }

        var run = window[..(lo + 1 + last)].LastIndexOfAnyExcept(Whitespace) + 1;
        return run > lo ? run : -1;
    }

    /// <summary>A cut at or just before <paramref name="hi"/> that keeps surrogate pairs and combining marks whole.</summary>
    public static int CharacterBreak(string text, int lo, int hi)
    {
        var p = hi;
        while (p > lo + 1 && hi - p < MaxClusterBackoff && p < text.Length && ContinuesCluster(text, p))
        {
            p--;
        }

        // Only a pair right after lo is left: take it whole.
        if (p < text.Length && char.IsLowSurrogate(text[p]) && char.IsHighSurrogate(text[p - 1]))
        {
            p++;
        }

        return p;
    }

    /// <summary>Whether a chunk may start at <paramref name="i"/>: a word's first character (after whitespace or CJK sentence end).</summary>
    public static bool IsWordStart(string text, int i) =>
        !char.IsWhiteSpace(text[i]) && (i == 0 || char.IsWhiteSpace(text[i - 1]) || IsCjkSentenceEnd(text[i - 1]));

    /// <summary>The first word start in [from, end), or -1.</summary>
    public static int NextWordStart(string text, int from, int end)
    {
        if (from >= end || IsWordStart(text, from))
        {
            return from < end ? from : -1;
        }

        var separator = text.AsSpan(from, end - from).IndexOfAny(WordSeparators);
        if (separator < 0)
        {
            return -1;
        }

        var next = from + separator + 1;
        var word = text.AsSpan(next, end - next).IndexOfAnyExcept(Whitespace);
        return word < 0 ? -1 : next + word;
    }

    /// <summary>The first non-whitespace position at or after <paramref name="i"/>, or the text's length.</summary>
    public static int SkipWhitespace(string text, int i)
    {
        var offset = text.AsSpan(i).IndexOfAnyExcept(Whitespace);
        return offset < 0 ? text.Length : i + offset;
    }

    /// <summary>The end of <c>[start, end)</c> without its trailing whitespace.</summary>
    public static int TrimEnd(string text, int start, int end) =>
        start + text.AsSpan(start, end - start).LastIndexOfAnyExcept(Whitespace) + 1;

    // A line break followed by a line of nothing but spaces or tabs.
    private static bool IsParagraphBreak(string text, int p)
    {
        var i = p + (text[p] == '\r' && p + 1 < text.Length && text[p + 1] == '\n' ? 2 : 1);
        while (i < text.Length && text[i] is ' ' or '\t' or '\f' or '\v')
        {
            i++;
        }

        return i >= text.Length || text[i] is '\n' or '\r';
    }

    private static bool IsCjkSentenceEnd(char c) => c is '\u3002' or '\uFF01' or '\uFF1F' or '\uFF0E';

    private static bool ContinuesCluster(string text, int p)
    {
        var c = text[p];
        if (char.IsLowSurrogate(c) && char.IsHighSurrogate(text[p - 1]))
        {
            return true;
        }

        if (c == ZeroWidthJoiner || text[p - 1] == ZeroWidthJoiner)
        {
            return true;
        }

        var category = CharUnicodeInfo.GetUnicodeCategory(text, p);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
        {
            return true;
        }

        // Emoji skin-tone modifiers (U+1F3FB..U+1F3FF) belong to the emoji before them.
        return char.IsHighSurrogate(c) && p + 1 < text.Length && char.IsLowSurrogate(text[p + 1])
            && char.ConvertToUtf32(c, text[p + 1]) is >= 0x1F3FB and <= 0x1F3FF;
    }
}
