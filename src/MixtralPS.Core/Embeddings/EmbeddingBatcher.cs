namespace MixtralPS.Core.Embeddings;

/// <summary>
/// Splits inputs into API requests of at most <see cref="MaxInputs"/> texts and an estimated
/// <see cref="MaxTokens"/> tokens, keeping input order.
/// </summary>
public sealed class EmbeddingBatcher
{
    public int MaxInputs { get; init; } = 512;

    public int MaxTokens { get; init; } = 16_384;

    /// <summary>
    /// A conservative token estimate for Mistral's tokenizer without shipping it: about one token per three
    /// characters of Latin text, and one per character beyond the Basic Multilingual Latin range (CJK, emoji).
    /// </summary>
    public static int EstimateTokens(string text)
    {
        var ascii = 0;
        var other = 0;
        foreach (var c in text)
        {
            if (c < 0x250)
            {
                ascii++;
            }
            else if (!char.IsLowSurrogate(c))
            {
                other++;
            }
        }

        return 1 + (ascii + 2) / 3 + other;
    }

    /// <summary>Ranges (start, count) of <paramref name="texts"/>, one per request.</summary>
    public IEnumerable<(int Start, int Count)> Split(IReadOnlyList<string> texts)
    {
        if (MaxInputs < 1 || MaxTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxInputs), "Batch limits must be positive.");
        }

        var start = 0;
        var tokens = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            var estimate = EstimateTokens(texts[i]);
            var count = i - start;
            if (count > 0 && (count >= MaxInputs || tokens + estimate > MaxTokens))
            {
                yield return (start, count);
                start = i;
                tokens = 0;
            }

            tokens += estimate;
        }

        if (texts.Count > start)
        {
            yield return (start, texts.Count - start);
        }
    }
}
