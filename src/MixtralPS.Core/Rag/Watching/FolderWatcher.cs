using System.Collections.Concurrent;

namespace MixtralPS.Core.Rag.Watching;

/// <summary>
/// Watches folders recursively (one <see cref="FileSystemWatcher"/> each) and hands out debounced change sets.
/// A watcher whose buffer overflowed, or that failed, asks for a rescan of everything rather than miss a change.
/// </summary>
public sealed class FolderWatcher : IDisposable
{
    /// <summary>Quiet time after the last event before an update: an editor's save is several events.</summary>
    public static readonly TimeSpan DefaultQuiet = TimeSpan.FromMilliseconds(500);

    private readonly List<FileSystemWatcher> watchers = [];
    private readonly FolderChangeCollector collector;
    private readonly TimeProvider time;
    private readonly SemaphoreSlim signal = new(0);
    private readonly ConcurrentQueue<string> problems = new();

    /// <exception cref="IOException">The system refused to watch (on Linux: the inotify limits).</exception>
    public FolderWatcher(WatchedFiles files, TimeSpan? quiet = null, TimeSpan? maxDelay = null, TimeProvider? time = null)
    {
        var wait = quiet ?? DefaultQuiet;
        collector = new FolderChangeCollector(files, wait, maxDelay ?? TimeSpan.FromTicks(Math.Max(wait.Ticks * 10, TimeSpan.TicksPerSecond * 5)));
        this.time = time ?? TimeProvider.System;
        try
        {
            foreach (var root in files.Roots)
            {
                watchers.Add(Watch(root));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Waits for the next debounced change set.</summary>
    public async Task<FolderChangeSet> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = time.GetUtcNow();
            if (collector.TakeIfDue(now) is { } changes)
            {
                return changes;
            }

            if (collector.DueAt is { } due)
            {
                // New events only move the moment later, so sleeping until it and looking again is enough.
                await Task.Delay(Max(due - now, TimeSpan.FromMilliseconds(1)), time, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
                while (signal.Wait(0))
                {
                    // One look serves every event that came meanwhile.
                }
            }
        }
    }

    /// <summary>What went wrong with watching since last asked (each already led to a rescan), for warnings.</summary>
    public IReadOnlyList<string> TakeProblems()
    {
        var taken = new List<string>();
        while (problems.TryDequeue(out var problem))
        {
            taken.Add(problem);
        }

        return taken;
    }

    private FileSystemWatcher Watch(string root)
    {
        var watcher = new FileSystemWatcher(root)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            // The largest buffer Windows allows, so that a burst of copies overflows it less often.
            InternalBufferSize = 64 * 1024,
        };
        watcher.Created += (_, e) => Note(() => collector.Created(e.FullPath, time.GetUtcNow()));
        watcher.Changed += (_, e) => Note(() => collector.Changed(e.FullPath, time.GetUtcNow()));
        watcher.Deleted += (_, e) => Note(() => collector.Changed(e.FullPath, time.GetUtcNow()));
        watcher.Renamed += (_, e) => Note(() => collector.Renamed(e.OldFullPath, e.FullPath, time.GetUtcNow()));
        watcher.Error += (_, e) =>
        {
            var error = e.GetException();
            if (error is not InternalBufferOverflowException)
            {
                problems.Enqueue($"Watching {root} failed ({error.Message}); rescanning the watched folders.");
            }

            Note(() => collector.Lost(time.GetUtcNow()));
        };
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    private void Note(Action add)
    {
        // Runs on the watcher's thread, where an exception would end the process.
        try
        {
            add();
            signal.Release();
        }
        catch (ObjectDisposedException)
        {
            // An event after Dispose: nobody waits any more.
        }
        catch (Exception ex)
        {
            problems.Enqueue($"A file-system event could not be handled ({ex.Message}).");
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public void Dispose()
    {
        foreach (var watcher in watchers)
        {
            watcher.Dispose();
        }

        watchers.Clear();
        signal.Dispose();
    }
}
