using System.Management.Automation;
using MixtralPS.Completion;
using MixtralPS.Core.Embeddings;

namespace MixtralPS.Infrastructure;

/// <summary>A cmdlet that embeds text: the model parameters and the provider behind them.</summary>
public abstract class EmbeddingCmdlet : MixtralApiCmdlet
{
    /// <summary>A local model (default all-MiniLM-L6-v2, or $env:MIXTRAL_EMBED_MODEL) or mistral-embed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EmbeddingModelCompleter))]
    public string? Model { get; set; }

    /// <summary>Token limit per text for local models (texts beyond it are truncated).</summary>
    [Parameter]
    [ValidateRange(2, 512)]
    public int? MaxTokens { get; set; }

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
        ModelName = EmbeddingModels.Resolve(Model);
    }

    private IEmbeddingProvider CreateProvider()
    {
        if (MaxTokens is not null && !EmbeddingModels.IsLocal(ModelName))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-MaxTokens applies to local models only; '{ModelName}' is served by the API, which refuses over-long texts instead of truncating them."),
                ErrorIdPrefix + "InvalidArgument", ErrorCategory.InvalidArgument, MaxTokens));
        }

        IEmbeddingProvider? created = null;
        try
        {
            created = EmbeddingModels.Create(ModelName, ModuleDirectory, () => Client, MaxTokens, ThrottleLimit, BatcherFor(ModelName), allowUnknownApiModels: EndpointConfigured);
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or DllNotFoundException or TypeInitializationException)
        {
            var id = ex is ArgumentOutOfRangeException ? "InvalidArgument" : ex is ArgumentException ? "UnknownModel" : "ModelNotLoaded";
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIdPrefix + id, ErrorCategory.InvalidArgument, ModelName));
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
