using System.Management.Automation;
using MixtralPS.Completion;
using MixtralPS.Core.Embeddings;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;
using MixtralPS.Infrastructure;

namespace MixtralPS.Commands;

/// <summary>
/// Finds the chunks of an index that best answer a question: by meaning (the question embedded with the
/// index's own model), by keywords (BM25), or both fused (Hybrid, the default). The index is a folder (-Path) or
/// lives in PostgreSQL (-ConnectionString, -Name; queries never write, so standbys serve them).
/// Pipe the result into Invoke-MixtralChat for an answer grounded in them, with its sources.
/// </summary>
[Cmdlet(VerbsCommon.Find, "RagContext", DefaultParameterSetName = "Path")]
[OutputType(typeof(RagContextChunk), typeof(string))]
public sealed class FindRagContextCommand : EmbeddingCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public string[] Query { get; set; } = [];

    /// <summary>The index folder made by New-RagIndex.</summary>
    [Parameter(ParameterSetName = "Path", Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RagIndexPathCompleter))]
    public string? Path { get; set; }

    /// <summary>An Npgsql connection string of the PostgreSQL database holding the index (default: $env:MIXTRALPS_RAG_CONNECTION).</summary>
    [Parameter(ParameterSetName = "Database")]
    [ValidateNotNullOrEmpty]
    public string? ConnectionString { get; set; }

    /// <summary>The index's name in the database (default: default).</summary>
    [Parameter(ParameterSetName = "Database")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RagIndexNameCompleter))]
    public string? Name { get; set; }

    /// <summary>How many chunks to return.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int Top { get; set; } = 4;

    /// <summary>Leave out chunks whose Score is below this, in the mode's terms: cosine (Vector), BM25 (Keyword), fused (Hybrid).</summary>
    [Parameter]
    public float? MinScore { get; set; }

    /// <summary>Only chunks whose source matches one of these wildcard patterns.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Source { get; set; }

    /// <summary>Hybrid (default where the index has both halves): vector and keyword results fused; Vector; or Keyword (BM25).</summary>
    [Parameter]
    public RetrievalMode Mode { get; set; } = RetrievalMode.Hybrid;

    /// <summary>k of reciprocal rank fusion in Hybrid mode: score = Σ 1/(k + rank). Smaller favours each list's top.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int FusionK { get; set; } = RankFusion.DefaultK;

    /// <summary>Each source once, by its best chunk: for "which file answers this?".</summary>
    [Parameter]
    public SwitchParameter Unique { get; set; }

    /// <summary>Give each result an Explanation: each half's rank and score and what the fusion made of them.</summary>
    [Parameter]
    public SwitchParameter Explain { get; set; }

    /// <summary>Return the tutorial's prompt (context, then the query) as text instead of chunk objects.</summary>
    [Parameter]
    public SwitchParameter AsPrompt { get; set; }

    private RagIndexReader reader = null!;
    private string folder = "";

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        var location = RagIndexParameters.Resolve(this, Path, ConnectionString, Name);
        folder = location.Display;
        try
        {
            // Readers stay open between calls (a folder's graph is memory-mapped, a database's connections pooled):
            // a warm query costs an embedding and a search.
            reader = Run(ct => RagReaderPool.Shared.RentAsync(location, ct));
        }
        catch (RagIndexException ex)
        {
            ThrowTerminatingError(RagErrors.From(ex, ErrorIdPrefix));
        }

        // The index decides the model: a query embedded otherwise would be compared across vector spaces.
        ModelName = reader.Settings.EmbeddingModel;
        if (!reader.Settings.HasKeywordIndex && Mode != RetrievalMode.Vector)
        {
            if (MyInvocation.BoundParameters.ContainsKey(nameof(Mode)))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException($"The index {folder} has no keyword index (it was built before hybrid retrieval), so a {Mode} search cannot run. Run New-RagIndex on it once to add it, or use -Mode Vector."),
                    ErrorIdPrefix + "NoKeywordIndex", ErrorCategory.InvalidOperation, folder));
            }

            // Hybrid is the default only for indexes that have both halves; say so rather than fuse half a query.
            WriteWarning($"The index {folder} has no keyword index yet, so this search is by vector only. Run New-RagIndex on it once to add it.");
            Mode = RetrievalMode.Vector;
        }

        if (reader.Degraded is { } degraded)
        {
            WriteVerbose($"{folder}: {degraded}.");
        }
    }

    protected override int? RequestedMaxTokens => reader.Settings.MaxTokens;

    protected override void ProcessRecord()
    {
        var filters = Source?.Select(s => new WildcardPattern(s, WildcardOptions.IgnoreCase)).ToArray();
        Func<string, bool>? filter = filters is null ? null : source => filters.Any(f => f.IsMatch(source));
        foreach (var query in Query)
        {
            if (string.IsNullOrWhiteSpace(query))
            {
                WriteError(new ErrorRecord(new ArgumentException("The query is empty."), ErrorIdPrefix + "EmptyQuery", ErrorCategory.InvalidArgument, query));
                continue;
            }

            IReadOnlyList<RagContextChunk> chunks;
            try
            {
                // Made here, on the pipeline thread: loading a model may write verbose lines or stop the command.
                var provider = Mode == RetrievalMode.Keyword ? null : Provider;
                var question = new RagQuery(query, null, Top, Mode, MinScore, filter, FusionK, UniqueSources: Unique, Explain: Explain);
                chunks = Run(ct => reader.SearchAsync(question, async c => (await provider!.EmbedAsync([query], EmbeddingPurpose.Query, c).ConfigureAwait(false))[0].Vector, ct));
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (RagIndexException ex)
            {
                WriteError(RagErrors.From(ex, ErrorIdPrefix));
                continue;
            }
            catch (Exception ex)
            {
                WriteItemError(ex, query);
                continue;
            }

            if (AsPrompt)
            {
                WriteObject(GroundedPrompt.Tutorial(query, chunks));
            }
            else
            {
                WriteObject(chunks, enumerateCollection: true);
            }
        }
    }

    protected override void ReleaseResources()
    {
        // The reader goes back to the pool for the next query, whether this one ended, failed or was stopped.
        if (reader is not null)
        {
            RagReaderPool.Shared.Return(reader);
            reader = null!;
        }

        base.ReleaseResources();
    }
}
