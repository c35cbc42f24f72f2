using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Management.Automation;
using MixtralPS.Completion;
using MixtralPS.Core.Client;
using MixtralPS.Core.Chunking;
using MixtralPS.Core.Documents;
using MixtralPS.Core.Embeddings;
using MixtralPS.Core.Ocr;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;
using MixtralPS.Infrastructure;

namespace MixtralPS.Commands;

/// <summary>How documents are cut into chunks.</summary>
public enum RagChunker
{
    /// <summary>Paragraphs, then sentences, then words, up to -ChunkSize characters with -ChunkOverlap.</summary>
    Recursive,

    /// <summary>The tutorial's slicing: every -ChunkSize characters.</summary>
    Fixed,
}

/// <summary>
/// Creates or updates a retrieval index from files, paths or texts, in a folder (-Path) or in PostgreSQL
/// (-ConnectionString, -Name): unchanged documents are skipped, changed ones replaced, and with -Prune documents no
/// longer given are removed. Files with no text to extract go through OCR (NewRagIndexCommand.Ocr.cs).
/// </summary>
[Cmdlet(VerbsCommon.New, "RagIndex", SupportsShouldProcess = true, DefaultParameterSetName = "Input")]
[OutputType(typeof(RagIndexSummary))]
public sealed partial class NewRagIndexCommand : EmbeddingCmdlet
{
    /// <summary>The index folder, for example ./docs.ragidx.</summary>
    [Parameter(ParameterSetName = "Input", Mandatory = true, Position = 0)]
    [Parameter(ParameterSetName = "Text", Mandatory = true, Position = 0)]
    [Parameter(ParameterSetName = "Watch", Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RagIndexPathCompleter))]
    public string? Path { get; set; }

    /// <summary>An Npgsql connection string of the PostgreSQL database holding the index (default: $env:MIXTRALPS_RAG_CONNECTION).</summary>
    [Parameter(ParameterSetName = "InputDatabase")]
    [Parameter(ParameterSetName = "TextDatabase")]
    [Parameter(ParameterSetName = "WatchDatabase")]
    [ValidateNotNullOrEmpty]
    public string? ConnectionString { get; set; }

    /// <summary>The index's name in the database (letters, digits, underscores; default: default).</summary>
    [Parameter(ParameterSetName = "InputDatabase")]
    [Parameter(ParameterSetName = "TextDatabase")]
    [Parameter(ParameterSetName = "WatchDatabase")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RagIndexNameCompleter))]
    public string? Name { get; set; }

    /// <summary>Files (Get-ChildItem), paths (wildcards allowed) or objects with Text or Content and a Source.</summary>
    [Parameter(ParameterSetName = "Input", ValueFromPipeline = true)]
    [Parameter(ParameterSetName = "InputDatabase", ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>A text to index under -Source.</summary>
    [Parameter(ParameterSetName = "Text", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = "TextDatabase", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Content")]
    [ValidateNotNullOrEmpty]
    public string? Text { get; set; }

    /// <summary>The name the text is indexed under (a path, URL or any id).</summary>
    [Parameter(ParameterSetName = "Text", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = "TextDatabase", Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Source { get; set; }

    /// <summary>The embedding model of a new index (default: the local all-MiniLM-L6-v2, or $env:MIXTRAL_EMBED_MODEL).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EmbeddingModelCompleter))]
    public string? Model { get; set; }

    /// <summary>Token limit per chunk for local models; longer chunks are split further.</summary>
    [Parameter]
    [ValidateRange(16, 512)]
    public int? MaxTokens { get; set; }

    [Parameter]
    public RagChunker Chunker { get; set; } = RagChunker.Recursive;

    /// <summary>Characters per chunk (512, as in the tutorial).</summary>
    [Parameter]
    [ValidateRange(16, 100_000)]
    public int ChunkSize { get; set; } = 512;

    /// <summary>Characters shared by consecutive chunks (Recursive only).</summary>
    [Parameter]
    [ValidateRange(0, 50_000)]
    public int ChunkOverlap { get; set; } = 64;

    /// <summary>Stemming of the keyword (BM25) index of a new index: Porter ("running" finds "run") or None.</summary>
    [Parameter]
    public KeywordStemming Stemming { get; set; } = KeywordStemming.Porter;

    /// <summary>Remove documents that were not given in this run.</summary>
    [Parameter]
    public SwitchParameter Prune { get; set; }

    /// <summary>Rebuild the index from nothing (also to change its model or chunking).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override string? RequestedModel => Model;

    protected override int? RequestedMaxTokens => MaxTokens;

    private readonly HashSet<string> seen = new(StringComparer.Ordinal);
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private IRagStoreWriter? writer;
    private RagIngestor? ingestor;
    private RagIndexSummary summary = null!;
    private string folder = "";
    private RagIndexLocation location = null!;
    private int inputs;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        ResolveWatchedFolders();
        location = RagIndexParameters.Resolve(this, Path, ConnectionString, Name);
        folder = location.Display;
        if (Chunker == RagChunker.Recursive && ChunkOverlap >= ChunkSize)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-ChunkOverlap ({ChunkOverlap}) must be smaller than -ChunkSize ({ChunkSize})."),
                ErrorIdPrefix + "InvalidArgument", ErrorCategory.InvalidArgument, ChunkOverlap));
        }

        RagIndexSettings? existing = null;
        bool exists;
        try
        {
            existing = Run(ct => RagStores.ExistingSettingsAsync(location, ct));
            exists = existing is not null;
        }
        catch (RagIndexException ex) when (Force && ex.Kind is RagIndexErrorKind.Damaged or RagIndexErrorKind.NewerVersion)
        {
            // -Force rebuilds what cannot be read.
            exists = true;
        }
        catch (RagIndexException ex)
        {
            ThrowTerminatingError(RagErrors.From(ex, ErrorIdPrefix));
            throw;
        }

        var proceed = exists && !Force || ShouldProcess(folder, exists ? "Rebuild the index from nothing" : "Create the index");
        if (Force)
        {
            // A rebuild takes the settings given (or the defaults), not the old index's.
            existing = null;
        }

        if (existing is not null)
        {
            // An update keeps what the index was built with, unless told otherwise (then it is refused without -Force).
            InheritSettings(existing);
        }

        summary = new RagIndexSummary { Path = folder, Model = ModelName, WhatIf = !proceed };
        if (!proceed)
        {
            return;
        }

        var settings = new RagIndexSettings
        {
            EmbeddingModel = Provider.Model,
            Dimensions = Provider.Dimensions,
            MaxTokens = Provider.MaxTokens,
            Chunker = Chunker.ToString(),
            ChunkSize = ChunkSize,
            ChunkOverlap = Chunker == RagChunker.Fixed ? 0 : ChunkOverlap,
            Stemming = Stemming,
        };
        try
        {
            writer = Run(ct => RagStores.OpenWriterAsync(location, settings, Force, TimeSpan.FromSeconds(TimeoutSec), ct));
        }
        catch (RagIndexException ex)
        {
            ThrowTerminatingError(RagErrors.From(ex, ErrorIdPrefix));
        }

        WriteVerbose($"{(writer!.Created ? "Created" : "Opened")} the index {folder}: {writer.Settings}.");
        if (writer.Upgraded is { } upgraded)
        {
            WriteWarning(upgraded);
        }

        ingestor = new RagIngestor(writer, Provider, CreateChunker(settings));
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName is "Text" or "TextDatabase")
        {
            Index(Source!, Text!);
            return;
        }

        if (InputObject is null)
        {
            return;
        }

        switch (InputObject.BaseObject)
        {
            case FileInfo file:
                Index(file.FullName);
                break;
            case DirectoryInfo:
                WriteVerbose($"Skipped the folder '{InputObject}': pipe its files (Get-ChildItem -Recurse -File).");
                break;
            case string path:
                IndexPaths(path);
                break;
            default:
                IndexObject(InputObject);
                break;
        }
    }

    private void Index(string path) => Ingest(path, () => ingestor is null ? null : Run(ct => ingestor.PrepareAsync(path, OcrReader(), ct)));

    private void Index(string source, string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            WriteWarning($"Skipped '{source}': its text is empty.");
            summary.Failed++;
            return;
        }

        Ingest(source, () => ingestor is null ? null : Run(ct => ingestor.PrepareAsync(source, text, ct)));
    }

    private void Ingest(string source, Func<PendingDocument?> prepare)
    {
        inputs++;
        seen.Add(source);
        PendingDocument? pending;
        try
        {
            pending = prepare();
        }
        catch (DocumentLoadException ex)
        {
            WriteWarning($"Skipped '{ex.Source}': {ex.Reason}{(ex.NeedsOcr ? OcrSkipReason() : "")}.");
            summary.Failed++;
            return;
        }
        catch (Exception ex) when (ex is OcrException or MistralException)
        {
            WriteOcrError(ex, source);
            summary.Failed++;
            return;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteWarning($"Skipped '{source}': {ex.Message}");
            summary.Failed++;
            return;
        }
        catch (RagIndexException ex)
        {
            WriteError(RagErrors.From(ex, ErrorIdPrefix));
            summary.Failed++;
            return;
        }

        if (pending is null)
        {
            ShouldProcess(source, "Add to the index");
            return;
        }

        if (pending.Outcome == IngestOutcome.Skipped)
        {
            summary.Skipped++;
            WriteVerbose($"Unchanged: {source}");
            return;
        }

        if (!ShouldProcess(pending.Source, pending.Outcome == IngestOutcome.Added ? "Add to the index" : "Replace in the index"))
        {
            return;
        }

        Store(ct => ingestor!.AddAsync(pending, ct));
        ShowProgress(source);
    }

    private void Store(Func<CancellationToken, Task<IReadOnlyList<IngestResult>>> step)
    {
        IReadOnlyList<IngestResult> results;
        try
        {
            results = Run(step);
        }
        catch (PipelineStoppedException)
        {
            ingestor?.Discard();
            throw;
        }
        catch (Exception ex)
        {
            // The queued documents are lost for this run, not the index: what was stored stays.
            ingestor?.Discard();
            summary.Failed++;
            if (ex is RagIndexException index)
            {
                WriteError(RagErrors.From(index, ErrorIdPrefix));
            }
            else
            {
                WriteItemError(ex, folder);
            }

            return;
        }

        foreach (var result in results)
        {
            switch (result.Outcome)
            {
                case IngestOutcome.Added: summary.Added++; break;
                case IngestOutcome.Updated: summary.Updated++; break;
                default: summary.Skipped++; break;
            }

            summary.ChunksWritten += result.Chunks;
            summary.ChunksEmbedded += result.ChunksEmbedded;
            summary.ChunksReused += result.ChunksReused;
        }
    }

    private void ShowProgress(string current)
    {
        var rate = inputs / Math.Max(clock.Elapsed.TotalSeconds, 0.001);
        WriteProgress(new ProgressRecord(1, $"Indexing into {folder}", $"{inputs} files read, {summary.Added + summary.Updated} stored, {summary.ChunksWritten} chunks, {rate:0.#} files/s")
        {
            CurrentOperation = current,
        });
    }

    protected override void EndProcessing()
    {
        if (Watching)
        {
            RunWatch();
            base.EndProcessing();
            return;
        }

        if (writer is not null && ingestor is not null)
        {
            Store(ct => ingestor.FlushAsync(ct));
            if (Prune)
            {
                PruneMissing();
            }

            if (!summary.WhatIf && !IsWhatIf())
            {
                WriteProgress(new ProgressRecord(1, $"Indexing into {folder}", "Updating the vector graph") { PercentComplete = 99 });
                Run(async ct => { await writer.CompleteAsync(ct).ConfigureAwait(false); return true; });
            }

            summary.Documents = Run(writer.DocumentsAsync).Count;
            summary.Chunks = Run(writer.ChunkCountAsync);
        }

        WriteProgress(new ProgressRecord(1, $"Indexing into {folder}", "Done") { RecordType = ProgressRecordType.Completed });
        summary.Elapsed = clock.Elapsed;
        WriteObject(summary);
        base.EndProcessing();
    }

    /// <summary>-WhatIf (or $WhatIfPreference) is on: nothing may be written, not even the derived graph.</summary>
    private bool IsWhatIf() =>
        (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf) && whatIf is SwitchParameter { IsPresent: true })
        || LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));

    private void PruneMissing()
    {
        foreach (var document in Run(writer!.DocumentsAsync).Where(d => !seen.Contains(d.Source)))
        {
            if (ShouldProcess(document.Source, "Remove from the index"))
            {
                Run(async ct => { await writer.RemoveAsync(document, ct).ConfigureAwait(false); return true; });
                summary.Removed++;
            }
        }
    }

    protected override void ReleaseResources() => writer?.Dispose();
}
