namespace MixtralPS.Core.Chunking;

/// <summary>
/// Chunks of at most <see cref="ChunkSize"/> characters cut at the best boundary available — paragraph (blank
/// line), line, sentence end, word, and only then character — each chunk taking as much text as fits. Consecutive
/// chunks overlap by about <see cref="ChunkOverlap"/> characters, the overlap starting at a word. Chunks are trimmed
/// of surrounding whitespace and never empty. Works on offsets only, so it is linear in the text's length.
/// </summary>
/// <remarks>
/// Cutting at the last boundary of the best kind that fits is what merging pieces greedily, recursively by
/// separator, produces, without building the pieces. A surrogate pair is never cut: a chunk of one character
/// may then be a pair, two UTF-16 units, even with a ChunkSize of 1.
/// </remarks>
public sealed class RecursiveChunker : IChunker
{
    public const int DefaultChunkSize = 512;
    public const int DefaultChunkOverlap = 64;

    private readonly TokenLimit? tokenLimit;
    private readonly Func<string, int>? countTokens;

    /// <param name="chunkSize">Most characters (UTF-16 code units) in one chunk.</param>
    /// <param name="chunkOverlap">Characters a chunk repeats from the end of the one before, about.</param>
    /// <param name="countTokens">The embedding model's token count of a text, to enforce <paramref name="maxTokens"/>.</param>
    /// <param name="maxTokens">Most tokens in one chunk; needs <paramref name="countTokens"/>.</param>
    public RecursiveChunker(
        int chunkSize = DefaultChunkSize,
        int chunkOverlap = DefaultChunkOverlap,
        Func<string, int>? countTokens = null,
        int maxTokens = 0)
    {
        if (chunkSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "ChunkSize must be at least 1 character.");
        }

        if (chunkOverlap < 0 || chunkOverlap >= chunkSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(chunkOverlap), chunkOverlap, $"ChunkOverlap must be at least 0 and less than ChunkSize ({chunkSize}).");
        }

        ChunkSize = chunkSize;
        ChunkOverlap = chunkOverlap;
        this.countTokens = countTokens;
        tokenLimit = TokenLimit.Create(countTokens, maxTokens);
    }

    public string Name => "Recursive";

    public int ChunkSize { get; }

    public int ChunkOverlap { get; }

    /// <summary>0 when no token limit is enforced.</summary>
    public int MaxTokens => tokenLimit?.MaxTokens ?? 0;

    public string Describe() => tokenLimit is null
        ? $"Recursive(size={ChunkSize}, overlap={ChunkOverlap})"
        : $"Recursive(size={ChunkSize}, overlap={ChunkOverlap}, maxTokens={MaxTokens})";

    public IChunker ForPrefix(string prefix) =>
        countTokens is null || prefix.Length == 0 ? this : new RecursiveChunker(ChunkSize, ChunkOverlap, t => countTokens(prefix + t), MaxTokens);

    public IReadOnlyList<TextChunk> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chunks = new List<TextChunk>();
        var start = TextBoundaries.SkipWhitespace(text, 0);

        // The first non-whitespace character no chunk holds yet; every chunk must take it in.
        var covered = start;
        var previousStart = -1;
        while (covered < text.Length)
        {
            var end = ChunkEnd(text, ref start, covered);
            var trimmedEnd = TextBoundaries.TrimEnd(text, start, end);
            var chunk = new TextChunk(chunks.Count, start, trimmedEnd - start, text[start..trimmedEnd]);
            if (start <= previousStart)
            {
                // The previous chunk was no longer than the overlap and this one holds all of it: keep only this one.
                chunks[^1] = chunk with { Ordinal = chunks.Count - 1 };
            }
            else
            {
                chunks.Add(chunk);
            }

            previousStart = start;
            covered = TextBoundaries.SkipWhitespace(text, end);
            start = NextStart(text, start, trimmedEnd, covered);
        }

        return chunks;
    }

    // The end of the chunk starting at start: the best cut after covered within ChunkSize and the token limit.
    private int ChunkEnd(string text, ref int start, int covered)
    {
        var hi = start + ChunkSize;
        var end = hi >= text.Length ? text.Length : TextBoundaries.FindBreak(text, covered, hi);
        if (tokenLimit is null)
        {
            return end;
        }

        var fit = tokenLimit.FitEnd(text, start, covered, end, trim: true);
        if (fit < 0 && start < covered)
        {
            // The overlap alone leaves no room for new text under the token limit: drop it.
            start = covered;
            fit = tokenLimit.FitEnd(text, start, covered, end, trim: true);
        }

        return fit >= 0 ? fit : throw tokenLimit.TooSmall(text, covered);
    }

    // Where the next chunk starts: about ChunkOverlap characters before this one's end, at a word.
    private int NextStart(string text, int start, int end, int covered)
    {
        if (ChunkOverlap == 0 || covered >= text.Length)
        {
            return covered;
        }

        var target = Math.Max(start, end - ChunkOverlap);
        var next = TextBoundaries.NextWordStart(text, target, end);
        if (next < 0)
        {
            // One long word: overlap from inside it, but not from the middle of a surrogate pair.
            next = target > start && char.IsLowSurrogate(text[target]) && char.IsHighSurrogate(text[target - 1]) ? target - 1 : target;
        }

        // A long run of whitespace after this chunk: an overlap would leave no room (for a whole pair) past it.
        return next + ChunkSize <= covered + 1 ? covered : next;
    }
}
