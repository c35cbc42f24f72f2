using System.Diagnostics;
using System.Management.Automation;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;
using MixtralPS.Core.Rag.Watching;
using MixtralPS.Infrastructure;

namespace MixtralPS.Commands;

/// <summary>
/// New-RagIndex -Watch: indexes the folders recursively (removing documents of files under them that are gone), then
/// follows them until Ctrl+C. Each debounced change set is one update: changed and new files indexed (unchanged
/// content skipped), deleted ones removed, a rename both; then the store completes, so readers switch to the update
/// as they do after any run. Each update that changed something writes one summary; a file that fails is reported
/// and the watch goes on. Ctrl+C stops at once: each batch is one transaction, so the index holds each document
/// wholly old or wholly new.
/// </summary>
public sealed partial class NewRagIndexCommand
{
    /// <summary>Folders to index recursively and then keep the index in step with, until Ctrl+C.</summary>
    [Parameter(ParameterSetName = "Watch", Mandatory = true)]
    [Parameter(ParameterSetName = "WatchDatabase", Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Watch { get; set; }

    private WatchedFiles? watchedFiles;

    private bool Watching => ParameterSetName is "Watch" or "WatchDatabase";

    /// <summary>Resolves -Watch before the index is opened, so that a wrong folder creates nothing.</summary>
    private void ResolveWatchedFolders()
    {
        if (!Watching)
        {
            return;
        }

        var roots = new List<string>();
        foreach (var path in Watch!)
        {
            string resolved;
            try
            {
                resolved = GetUnresolvedProviderPathFromPSPath(path);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or ProviderNotFoundException or System.Management.Automation.DriveNotFoundException)
            {
                resolved = "";
            }

            if (!Directory.Exists(resolved))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new DirectoryNotFoundException($"-Watch '{path}' is not a folder; give folders to watch (their files are indexed recursively)."),
                    ErrorIdPrefix + "WatchFolderNotFound", ErrorCategory.ObjectNotFound, path));
            }

            roots.Add(resolved);
        }

        // The index's own folder may lie inside a watched one: its files are never documents, and its writes no updates.
        var excluded = RagIndexParameters.Resolve(this, Path, ConnectionString, Name) is FolderIndexLocation index ? [index.Paths.Folder] : Array.Empty<string>();
        watchedFiles = new WatchedFiles(roots, excluded);
    }

    /// <summary>The first pass, then one update per change set until Ctrl+C (or only the first pass under -WhatIf).</summary>
    private void RunWatch()
    {
        var files = watchedFiles!;
        var dryRun = writer is null || ingestor is null || summary.WhatIf || IsWhatIf();
        FolderWatcher? watcher = null;
        try
        {
            // Watching starts before the first pass, so that nothing changed during it is missed.
            watcher = dryRun ? null : StartWatcher(files);
            Update(FolderChangeSet.Everything, files, first: true);
            if (watcher is null)
            {
                return;
            }

            WriteVerbose($"Watching {string.Join(", ", files.Roots)}; Ctrl+C stops.");
            while (true)
            {
                var changes = Run(watcher.NextAsync);
                foreach (var problem in watcher.TakeProblems())
                {
                    WriteWarning(problem);
                }

                WriteVerbose($"Changes: {changes}.");
                Update(changes, files, first: false);
            }
        }
        finally
        {
            watcher?.Dispose();
        }
    }

    private FolderWatcher StartWatcher(WatchedFiles files)
    {
        try
        {
            return new FolderWatcher(files);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIdPrefix + "WatchFailed", ErrorCategory.ResourceUnavailable, files.Roots)
            {
                ErrorDetails = new ErrorDetails($"The folders cannot be watched: {ex.Message}")
                {
                    RecommendedAction = "On Linux, raise fs.inotify.max_user_instances / max_user_watches (sysctl), or watch fewer folders.",
                },
            });
            throw;
        }
    }

    /// <summary>One update: removals, then (re)indexing, then the store completes; one summary when anything changed.</summary>
    private void Update(FolderChangeSet changes, WatchedFiles files, bool first)
    {
        var elapsed = Stopwatch.StartNew();
        summary = new RagIndexSummary { Path = folder, Model = ModelName, WhatIf = summary.WhatIf };
        try
        {
            var stored = writer is null ? [] : Run(writer.DocumentsAsync);
            var plan = WatchPlanner.Plan(changes, stored, files);
            var remove = first && Prune ? plan.Remove.Concat(stored.Where(d => !files.IsWatched(d.Source))).ToList() : plan.Remove;
            foreach (var document in remove)
            {
                RemoveWatched(document);
            }

            foreach (var file in plan.Index)
            {
                Index(file);
            }

            if (ingestor is not null)
            {
                Store(ct => ingestor.FlushAsync(ct));
            }

            var changed = summary.Added + summary.Updated + summary.Removed > 0;
            if (writer is not null && !summary.WhatIf && !IsWhatIf() && (changed || first))
            {
                WriteProgress(new ProgressRecord(1, $"Indexing into {folder}", "Updating the vector graph") { PercentComplete = 99 });
                Run(async ct => { await writer.CompleteAsync(ct).ConfigureAwait(false); return true; });
            }

            WriteProgress(new ProgressRecord(1, $"Indexing into {folder}", "Done") { RecordType = ProgressRecordType.Completed });
            if (!first && !changed && summary.Failed == 0)
            {
                WriteVerbose("Nothing to update: the changed files have the content already indexed.");
                return;
            }

            if (writer is not null)
            {
                summary.Documents = Run(writer.DocumentsAsync).Count;
                summary.Chunks = Run(writer.ChunkCountAsync);
            }
        }
        catch (RagIndexException ex)
        {
            // The store failed this update (a database restart, a full disk): said, and the next update tries again.
            WriteError(RagErrors.From(ex, ErrorIdPrefix));
            summary.Failed++;
        }
        catch (Exception ex) when (!first && ex is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(ex, ErrorIdPrefix + "WatchUpdateFailed", ErrorCategory.WriteError, folder));
            summary.Failed++;
        }

        summary.Elapsed = elapsed.Elapsed;
        WriteObject(summary);
    }

    private void RemoveWatched(StoredDocument document)
    {
        if (!ShouldProcess(document.Source, "Remove from the index"))
        {
            return;
        }

        try
        {
            Run(async ct => { await writer!.RemoveAsync(document, ct).ConfigureAwait(false); return true; });
            summary.Removed++;
            WriteVerbose($"Removed: {document.Source}");
        }
        catch (RagIndexException ex)
        {
            WriteError(RagErrors.From(ex, ErrorIdPrefix));
            summary.Failed++;
        }
    }
}
