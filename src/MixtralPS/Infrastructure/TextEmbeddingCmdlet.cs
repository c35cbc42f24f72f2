using System.Management.Automation;
using MixtralPS.Completion;

namespace MixtralPS.Infrastructure;

/// <summary>A cmdlet that embeds texts given to it with a model the user picks (-Model, -MaxTokens), unlike the RAG cmdlets, whose index names its model.</summary>
public abstract class TextEmbeddingCmdlet : EmbeddingCmdlet
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

    protected override string? RequestedModel => Model;

    protected override int? RequestedMaxTokens => MaxTokens;
}
