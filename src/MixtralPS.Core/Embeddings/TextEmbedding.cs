namespace MixtralPS.Core.Embeddings;

/// <summary>A text and its embedding, as Get-MixtralEmbedding returns it.</summary>
public sealed class TextEmbedding
{
    public required string Text { get; init; }

    public required float[] Vector { get; init; }

    public required string Model { get; init; }

    public int Dimensions => Vector.Length;

    /// <summary>Position of the text in the input, from 0.</summary>
    public long Index { get; init; }

    /// <summary>Tokens the model saw; an estimate for API models, which report only a total.</summary>
    public int TokenCount { get; init; }

    /// <summary>Whether the text was cut to the model's token limit before embedding.</summary>
    public bool Truncated { get; init; }

    /// <summary>What it is (model, size, the text's start): the text alone, in a string, would hide that it is an embedding.</summary>
    public override string ToString() =>
        $"{Model} embedding ({Dimensions} dimensions) of \"{(Text.Length > 50 ? string.Concat(Text.AsSpan(0, 49), "…") : Text)}\"";
}
