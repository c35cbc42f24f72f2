namespace MixtralPS.Core.Chunking;

/// <summary>
/// The tutorial's slicing, <c>[text[i:i + size] for i in range(0, len(text), size)]</c>, exactly: consecutive
/// slices of <see cref="ChunkSize"/> characters, nothing trimmed or dropped. Characters are counted as Python
/// counts them, by code point, so a surrogate pair is never cut. A slice over the token limit is cut further
/// at its best boundaries, still without gaps.
/// </summary>
public sealed class FixedChunker : IChunker
{
    public const int DefaultChunkSize = 512;

    private readonly TokenLimit? tokenLimit;

    /// <param name="chunkSize">Characters (code points) per chunk.</param>
    /// <param name="countTokens">The embedding model's token count of a text, to enforce <paramref name="maxTokens"/>.</param>
    /// <param name="maxTokens">Most tokens in one chunk; needs <paramref name="countTokens"/>.</param>
    public FixedChunker(int chunkSize = DefaultChunkSize, Func<string, int>? countTokens = null, int maxTokens = 0)
    {
        if (chunkSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, "ChunkSize must be at least 1 character.");
        }

        ChunkSize = chunkSize;
        tokenLimit = TokenLimit.Create(countTokens, maxTokens);
    }

    public string Name => "Fixed";

    public int ChunkSize { get; }

    /// <summary>0 when no token limit is enforced.</summary>
    public int MaxTokens => tokenLimit?.MaxTokens ?? 0;

    public string Describe() => tokenLimit is null ? $"Fixed(size={ChunkSize})" : $"Fixed(size={ChunkSize}, maxTokens={MaxTokens})";

    public IReadOnlyList<TextChunk> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chunks = new List<TextChunk>(text.Length / ChunkSize + 1);
        var start = 0;
        while (start < text.Length)
        {
            var end = Math.Min(text.Length, start + ChunkSize);
            if (text.AsSpan(start, end - start).ContainsAnyInRange('\uD800', '\uDFFF'))
            {
                // Count code points as Python does: a pair is one.
                end = start;
                for (var points = 0; points < ChunkSize && end < text.Length; points++)
                {
                    end += char.IsSurrogatePair(text, end) ? 2 : 1;
                }
            }

            Add(chunks, text, start, end);
            start = end;
        }

        return chunks;
    }

    private void Add(List<TextChunk> chunks, string text, int start, int end)
    {
        if (tokenLimit is null)
        {
            chunks.Add(new TextChunk(chunks.Count, start, end - start, text[start..end]));
            return;
        }

        // Pieces of an over-long slice tile it exactly, as the slices tile the text.
        while (start < end)
        {
            var fit = tokenLimit.FitEnd(text, start, start, end, trim: false);
            if (fit < 0)
            {
                throw tokenLimit.TooSmall(text, start);
            }

            chunks.Add(new TextChunk(chunks.Count, start, fit - start, text[start..fit]));
            start = fit;
        }
    }
}
