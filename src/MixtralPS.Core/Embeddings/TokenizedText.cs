namespace MixtralPS.Core.Embeddings;

/// <summary>A text as model input: [CLS] pieces [SEP], cut to the token limit.</summary>
/// <param name="Ids">Token ids, special tokens included.</param>
/// <param name="Truncated">Whether pieces were dropped to fit the limit.</param>
public sealed record TokenizedText(int[] Ids, bool Truncated)
{
    /// <summary>Tokens the model sees, special tokens included.</summary>
    public int TokenCount => Ids.Length;
}
