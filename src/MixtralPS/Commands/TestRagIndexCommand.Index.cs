using System.Management.Automation;
using MixtralPS.Core.Embeddings;
using MixtralPS.Core.Rag;
using MixtralPS.Infrastructure;

namespace MixtralPS.Commands;

/// <summary>All of Test-RagIndex's access to the index: open it, search it, give it back.</summary>
public sealed partial class TestRagIndexCommand
{
    private RagIndexReader? reader;
    private IEmbeddingProvider? provider;

    /// <summary>The index as users name it: its folder, or its database and name.</summary>
    private string IndexFolder { get; set; } = "";

    private int? IndexMaxTokens => reader?.Settings.MaxTokens;

    private bool HasKeywordIndex => reader!.Settings.HasKeywordIndex;

    private void OpenIndex()
    {
        var location = RagIndexParameters.Resolve(this, Path, ConnectionString, Name);
        IndexFolder = location.Display;
        try
        {
            reader = Run(ct => RagReaderPool.Shared.RentAsync(location, ct));
        }
        catch (RagIndexException ex)
        {
            ThrowTerminatingError(RagErrors.From(ex, ErrorIdPrefix));
        }

        // The index decides the model: a question embedded otherwise would be compared across vector spaces.
        ModelName = reader!.Settings.EmbeddingModel;
        if (reader.Degraded is { } degraded)
        {
            WriteVerbose($"{IndexFolder}: {degraded}.");
        }
    }

    private bool ModeUsable(RetrievalMode mode) => mode == RetrievalMode.Vector || HasKeywordIndex;

    /// <summary>The modes the index can answer; asking for one it cannot is an error, the default set just shrinks.</summary>
    private RetrievalMode[] UsableModes(RetrievalMode[] modes)
    {
        var unusable = modes.Where(m => !ModeUsable(m)).ToList();
        if (unusable.Count == 0)
        {
            return modes;
        }

        var message = $"The index {IndexFolder} has no keyword index (it was built before hybrid retrieval), so {string.Join(" and ", unusable)} cannot be measured. Run New-RagIndex on it once to add it";
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Mode)))
        {
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(message + ", or use -Mode Vector."),
                ErrorIdPrefix + "NoKeywordIndex", ErrorCategory.InvalidOperation, IndexFolder));
        }

        WriteWarning(message + "; measuring Vector only.");
        return modes.Except(unusable).ToArray();
    }

    /// <summary>
    /// Loads the model on the pipeline thread, before any search (loading may write verbose lines or stop the
    /// command), and embeds once with a local model, so that no question's time includes the model's first run.
    /// </summary>
    private void PrepareSearch(IEnumerable<RetrievalMode> modes)
    {
        if (modes.Any(m => m != RetrievalMode.Keyword))
        {
            provider = Provider;
            if (EmbeddingModels.IsLocal(provider.Model))
            {
                Run(ct => provider.EmbedAsync(["warm-up"], EmbeddingPurpose.Query, ct));
            }
        }
    }

    /// <summary>One search, as Find-RagContext makes it: the question embedded while the keyword half runs.</summary>
    private Task<IReadOnlyList<RagContextChunk>> SearchIndex(string question, RetrievalMode mode, int top, CancellationToken cancellationToken) =>
        reader!.SearchAsync(
            new RagQuery(question, null, top, mode),
            async ct => (await provider!.EmbedAsync([question], EmbeddingPurpose.Query, ct).ConfigureAwait(false))[0].Vector,
            cancellationToken);

    protected override void ReleaseResources()
    {
        // The reader goes back to the pool whether the test ended, failed or was stopped.
        if (reader is not null)
        {
            RagReaderPool.Shared.Return(reader);
            reader = null;
        }

        base.ReleaseResources();
    }
}
