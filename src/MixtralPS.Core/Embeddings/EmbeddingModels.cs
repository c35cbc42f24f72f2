using MixtralPS.Core.Client;
using MixtralPS.Core.Configuration;

namespace MixtralPS.Core.Embeddings;

/// <summary>Which provider serves a model name: the local models in-process, the API's through the client.</summary>
public static class EmbeddingModels
{
    /// <summary>Embedding models of the Mistral API.</summary>
    public static IReadOnlyList<string> ApiModels { get; } = ["mistral-embed", "codestral-embed"];

    public static IEnumerable<string> KnownNames => LocalModelCatalog.Names.Concat(ApiModels);

    /// <summary>The model to use: the one asked for, else $env:MIXTRAL_EMBED_MODEL, else the default local model.</summary>
    public static string Resolve(string? requested) =>
        string.IsNullOrWhiteSpace(requested) ? MixtralEnvironment.EmbeddingModel ?? LocalModelCatalog.DefaultModelName : requested.Trim();

    public static bool IsLocal(string model) => LocalModelCatalog.TryGet(model, out _);

    /// <param name="model">A resolved model name.</param>
    /// <param name="moduleDirectory">The folder holding models/.</param>
    /// <param name="client">Makes the API client, only when the model is an API model.</param>
    /// <param name="allowUnknownApiModels">A self-hosted endpoint may serve embedding models of any name.</param>
    public static IEmbeddingProvider Create(
        string model, string moduleDirectory, Func<MistralClient> client, int? maxTokens = null, int throttleLimit = 4,
        EmbeddingBatcher? batcher = null, bool allowUnknownApiModels = false)
    {
        if (LocalModelCatalog.TryGet(model, out var local))
        {
            return new OnnxEmbeddingProvider(moduleDirectory, local.Name, maxTokens);
        }

        if (!allowUnknownApiModels && !ApiModels.Contains(model, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"Unknown embedding model '{model}'. Known models: {string.Join(", ", KnownNames)} (a self-hosted -Endpoint may serve others).");
        }

        return new MistralEmbeddingProvider(client(), model.ToLowerInvariant() == "mistral-embed" ? "mistral-embed" : model)
        {
            ThrottleLimit = throttleLimit,
            Batcher = batcher ?? new EmbeddingBatcher(),
        };
    }
}
