namespace MixtralPS.Core.Embeddings;

/// <summary>What a text is embedded for: some models prefix queries differently from documents.</summary>
public enum EmbeddingPurpose
{
    Document,
    Query,
}

/// <summary>One embedded text.</summary>
/// <param name="Vector">The embedding, L2-normalised where the model defines it so.</param>
/// <param name="TokenCount">Tokens the model saw (after truncation, special tokens included).</param>
/// <param name="Truncated">Whether the text was cut to the model's token limit.</param>
public sealed record EmbeddingResult(float[] Vector, int TokenCount, bool Truncated);

/// <summary>Turns texts into vectors; results come back in input order.</summary>
public interface IEmbeddingProvider : IDisposable
{
    string Model { get; }

    int Dimensions { get; }

    /// <summary>Tokens per text beyond which the text is truncated.</summary>
    int MaxTokens { get; }

    Task<IReadOnlyList<EmbeddingResult>> EmbedAsync(
        IReadOnlyList<string> texts,
        EmbeddingPurpose purpose,
        CancellationToken cancellationToken);
}
