namespace MixtralPS.Core.Embeddings;

/// <summary>The local models this build knows, for lookups, error messages and tab completion.</summary>
public static class LocalModelCatalog
{
    /// <summary>Folder, beside the module, that holds one sub-folder per model.</summary>
    public const string ModelsFolderName = "models";

    public const string DefaultModelName = "all-MiniLM-L6-v2";

    /// <summary>The default model with int8 weights, built from it (not the default: see README, "int8 model").</summary>
    public const string Int8ModelName = "all-MiniLM-L6-v2-int8";

    // Facts from each model's sentence-transformers config (modules.json, 1_Pooling/config.json,
    // sentence_bert_config.json) and the MTEB prompts; both ship the bert-base-uncased vocabulary.
    public static IReadOnlyList<LocalModelInfo> Models { get; } =
    [
        new LocalModelInfo(
            Name: "all-MiniLM-L6-v2",
            Dimensions: 384,
            MaxTokens: 512,
            DefaultMaxTokens: 256, // sentence-transformers' max_seq_length for this model
            Pooling: EmbeddingPooling.Mean,
            QueryPrefix: "",
            DocumentPrefix: "",
            Description: "sentence-transformers/all-MiniLM-L6-v2: 384 dimensions, mean pooling, 256 tokens by default"),

        // Made at build time from the FP32 file above (build/ModelTool): same tokenizer, pooling and limits.
        new LocalModelInfo(
            Name: Int8ModelName,
            Dimensions: 384,
            MaxTokens: 512,
            DefaultMaxTokens: 256,
            Pooling: EmbeddingPooling.Mean,
            QueryPrefix: "",
            DocumentPrefix: "",
            Description: "all-MiniLM-L6-v2 with int8 weights (dynamic quantisation): a quarter of the weights' size, faster on CPUs with int8 dot products")
        {
            QuantizedFrom = DefaultModelName,
        },
        new LocalModelInfo(
            Name: "snowflake-arctic-embed-xs",
            Dimensions: 384,
            MaxTokens: 512,
            DefaultMaxTokens: 512,
            Pooling: EmbeddingPooling.Cls,
            QueryPrefix: "Represent this sentence for searching relevant passages: ",
            DocumentPrefix: "",
            Description: "Snowflake/snowflake-arctic-embed-xs: 384 dimensions, CLS pooling, query prefix, 512 tokens"),
    ];

    public static IReadOnlyList<string> Names { get; } = Models.Select(m => m.Name).ToArray();

    public static LocalModelInfo Default => Get(DefaultModelName);

    /// <summary>Finds a model by name, ignoring case.</summary>
    public static bool TryGet(string? name, out LocalModelInfo model)
    {
        model = Models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))!;
        return model is not null;
    }

    /// <summary>Finds a model by name (ignoring case), or throws naming the known ones.</summary>
    public static LocalModelInfo Get(string name) =>
        TryGet(name, out var model)
            ? model
            : throw new ArgumentException(
                $"Unknown local embedding model '{name}'. Known local models: {string.Join(", ", Names)}.", nameof(name));

    /// <summary>The folder of <paramref name="model"/> under <paramref name="baseDirectory"/>/models.</summary>
    public static string GetModelDirectory(string baseDirectory, LocalModelInfo model) =>
        Path.Combine(baseDirectory, ModelsFolderName, model.Name);

    /// <summary>Whether both files of <paramref name="model"/> are present under <paramref name="baseDirectory"/>.</summary>
    public static bool IsInstalled(string baseDirectory, LocalModelInfo model)
    {
        var dir = GetModelDirectory(baseDirectory, model);
        return LocalModelInfo.FindModelFile(dir) is not null
            && File.Exists(Path.Combine(dir, LocalModelInfo.VocabularyFileName));
    }
}
