namespace MixtralPS.Core.Embeddings;

/// <summary>How token vectors become one text vector.</summary>
public enum EmbeddingPooling
{
    /// <summary>Average of the token vectors the attention mask covers (sentence-transformers' "mean").</summary>
    Mean,

    /// <summary>The vector of the leading [CLS] token.</summary>
    Cls,
}

/// <summary>A model that runs in-process from <c>models/&lt;Name&gt;/{model.onnx,vocab.txt}</c>.</summary>
/// <param name="Name">Folder name under <c>models/</c>, and the name users pass.</param>
/// <param name="Dimensions">Length of each vector.</param>
/// <param name="MaxTokens">The model's hard limit (position embeddings), special tokens included.</param>
/// <param name="DefaultMaxTokens">The limit the model was evaluated with, used unless the caller sets another.</param>
/// <param name="Pooling">How token vectors are pooled.</param>
/// <param name="QueryPrefix">Text put before each query (empty when the model wants none).</param>
/// <param name="DocumentPrefix">Text put before each document.</param>
/// <param name="Description">One line for listings.</param>
public sealed record LocalModelInfo(
    string Name,
    int Dimensions,
    int MaxTokens,
    int DefaultMaxTokens,
    EmbeddingPooling Pooling,
    string QueryPrefix,
    string DocumentPrefix,
    string Description)
{
    public const string ModelFileName = "model.onnx";

    /// <summary>
    /// The graph as ONNX Runtime optimises it (fusions of level EXTENDED, which suit every CPU), saved once when the
    /// module is built in place of <see cref="ModelFileName"/>, so a session loads it without optimising again.
    /// </summary>
    public const string OptimizedModelFileName = "model.optimized.onnx";

    public const string VocabularyFileName = "vocab.txt";

    /// <summary>All the models here are uncased BERT WordPiece models (lower-casing and accent stripping).</summary>
    public bool LowerCase { get; init; } = true;

    /// <summary>The FP32 model this one's int8 weights were quantised from; null for a model as published.</summary>
    public string? QuantizedFrom { get; init; }

    /// <summary>The model file in <paramref name="directory"/>: the optimised one when the build made it, else the original; null when neither is there.</summary>
    public static string? FindModelFile(string directory) =>
        new[] { OptimizedModelFileName, ModelFileName }.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists);

    /// <summary>The prefix for <paramref name="purpose"/>.</summary>
    public string PrefixFor(EmbeddingPurpose purpose) => purpose == EmbeddingPurpose.Query ? QueryPrefix : DocumentPrefix;
}
