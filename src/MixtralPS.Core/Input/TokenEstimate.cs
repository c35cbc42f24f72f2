namespace MixtralPS.Core.Input;

/// <summary>
/// A tokenizer-free estimate of how many tokens a text costs, leaning high so that a request judged to fit does
/// fit. Mistral's tokenizers (BPE, 32k-131k vocabularies) give about one token per four letters of a common word,
/// one per punctuation mark or symbol, and about one per character of scripts written without spaces.
/// </summary>
public static class TokenEstimate
{
    /// <summary>Tokens a chat message costs beyond its text (role and control tokens).</summary>
    public const int PerMessage = 4;

    public static int Of(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        var tokens = 0;
        var run = 0;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) && c < '\u2E80')
            {
                run++;
                continue;
            }

            tokens += (run + 3) / 4;
            run = 0;
            if (!char.IsWhiteSpace(c))
            {
                tokens++;
            }
        }

        return tokens + (run + 3) / 4;
    }
}
