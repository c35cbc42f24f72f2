using System.Management.Automation;
using MixtralPS.Core.Embeddings;

namespace MixtralPS.Infrastructure;

/// <summary>A cmdlet that embeds text: the provider, made on first use, for the model the cmdlet names.</summary>
public abstract class EmbeddingCmdlet : MixtralApiCmdlet
{
    /// <summary>The model asked for (-Model where the cmdlet has it); null for the default.</summary>
    protected virtual string? RequestedModel => null;

    /// <summary>Token limit per text for local models; null for the model's default.</summary>
    protected virtual int? RequestedMaxTokens => null;

    /// <summary>API requests in flight at once.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 4;

    /// <summary>The folder the module was loaded from, which holds models/.</summary>
    protected static string ModuleDirectory { get; } =
        Path.GetDirectoryName(typeof(EmbeddingCmdlet).Assembly.Location) ?? AppContext.BaseDirectory;

    private IEmbeddingProvider? provider;

    /// <summary>The model to embed with: -Model, else $env:MIXTRAL_EMBED_MODEL, else the default local model.</summary>
    protected string ModelName { get; set; } = "";

    /// <summary>The provider, made on first use (loading a local model takes a moment).</summary>
    protected IEmbeddingProvider Provider => provider ??= CreateProvider();

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        ModelName = EmbeddingModels.Resolve(RequestedModel);
    }

    private IEmbeddingProvider CreateProvider()
    {
        if (RequestedMaxTokens is { } maxTokens && !EmbeddingModels.IsLocal(ModelName))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-MaxTokens applies to local models only; '{ModelName}' is served by the API, which refuses over-long texts instead of truncating them."),
                ErrorIdPrefix + "InvalidArgument", ErrorCategory.InvalidArgument, maxTokens));
        }

        IEmbeddingProvider? created = null;
        try
        {
            created = EmbeddingModels.Create(ModelName, ModuleDirectory, () => Client, RequestedMaxTokens, ThrottleLimit, BatcherFor(ModelName), allowUnknownApiModels: EndpointConfigured);
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or DllNotFoundException or TypeInitializationException)
        {
            var id = ex is ArgumentOutOfRangeException ? "InvalidArgument" : ex is ArgumentException ? "UnknownModel" : "ModelNotLoaded";
            // A native library that cannot load surfaces inside a type initializer; its own message says why.
            var cause = ex is TypeInitializationException { InnerException: { } inner } ? inner : ex;
            ThrowTerminatingError(new ErrorRecord(cause, ErrorIdPrefix + id, ErrorCategory.InvalidArgument, ModelName));
        }

        WriteVerbose($"Embedding model {created!.Model} ({(EmbeddingModels.IsLocal(created.Model) ? "local, in-process" : "API")}), {created.MaxTokens} tokens per text.");
        return created;
    }

    /// <summary>How requests to the API are cut; derived cmdlets may expose the limits.</summary>
    protected virtual EmbeddingBatcher? BatcherFor(string model) => null;

    /// <summary>Embeds a batch, writing verbose lines and honouring Ctrl+C.</summary>
    protected IReadOnlyList<EmbeddingResult> Embed(IReadOnlyList<string> texts, EmbeddingPurpose purpose) =>
        Run(ct => Provider.EmbedAsync(texts, purpose, ct));
}
