namespace MixtralPS.Core.Chunking;

/// <summary>
/// A chunk's limit in the embedding model's tokens: pieces over it are cut shorter, at the best boundary,
/// until they fit — never passed on over the limit.
/// </summary>
internal sealed class TokenLimit
{
    private readonly Func<string, int> countTokens;

    private TokenLimit(Func<string, int> countTokens, int maxTokens)
    {
        this.countTokens = countTokens;
        MaxTokens = maxTokens;
    }

    public int MaxTokens { get; }

    /// <summary>Null without a counter; validates the pair otherwise.</summary>
    public static TokenLimit? Create(Func<string, int>? countTokens, int maxTokens)
    {
        if (countTokens is null)
        {
            return maxTokens == 0
                ? null
                : throw new ArgumentException("maxTokens needs countTokens, the function that counts a text's tokens.", nameof(maxTokens));
        }

        if (maxTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens, "maxTokens must be at least 1 when countTokens is given.");
        }

        return new TokenLimit(countTokens, maxTokens);
    }

    /// <summary>
    /// The end of the longest piece <c>[start, end)</c> found, with <c>end</c> at most <paramref name="end"/>
    /// and above <paramref name="lo"/>, whose tokens fit; -1 when not even one character after
    /// <paramref name="lo"/> fits. With <paramref name="trim"/>, trailing whitespace is not counted.
    /// </summary>
    public int FitEnd(string text, int start, int lo, int end, bool trim)
    {
        var minimal = lo + 1 >= text.Length ? text.Length : TextBoundaries.CharacterBreak(text, lo, lo + 1);
        while (true)
        {
            var counted = trim ? TextBoundaries.TrimEnd(text, start, end) : end;
            var tokens = countTokens(text.Substring(start, counted - start));
            if (tokens <= MaxTokens)
            {
                return end;
            }

            if (end <= minimal)
            {
                return -1;
            }

            // Aim at the share of the piece that should fit, then cut at the best boundary below that.
            var aim = start + (int)((long)(counted - start) * MaxTokens / tokens);
            var hi = Math.Clamp(aim, lo + 1, end - 1);
            end = TextBoundaries.FindBreak(text, lo, hi);
        }
    }

    public InvalidOperationException TooSmall(string text, int at)
    {
        var length = char.IsSurrogatePair(text, at) ? 2 : 1;
        var character = text.Substring(at, Math.Min(length, text.Length - at));
        return new InvalidOperationException(
            $"A token limit of {MaxTokens} is too small: the character '{character}' at offset {at} alone counts {countTokens(character)} tokens.");
    }
}
