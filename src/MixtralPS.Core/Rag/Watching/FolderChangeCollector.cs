namespace MixtralPS.Core.Rag.Watching;

/// <summary>
/// Gathers file-system events into one <see cref="FolderChangeSet"/> and says when it is due: once no event came for
/// the quiet period, or at the latest <c>maxDelay</c> after the first, so that a folder always busy is still
/// followed. Time is passed in, so the debounce is tested without waiting. Thread-safe.
/// </summary>
public sealed class FolderChangeCollector
{
    private readonly object gate = new();
    private readonly WatchedFiles files;
    private HashSet<string> paths = new(WatchedFiles.PathComparer);
    private HashSet<string> subtrees = new(WatchedFiles.PathComparer);
    private bool rescan;
    private DateTimeOffset? first;
    private DateTimeOffset last;

    public FolderChangeCollector(WatchedFiles files, TimeSpan quiet, TimeSpan maxDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quiet, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, quiet);
        this.files = files;
        Quiet = quiet;
        MaxDelay = maxDelay;
    }

    public TimeSpan Quiet { get; }

    public TimeSpan MaxDelay { get; }

    /// <summary>When the gathered changes are due, or null when there are none.</summary>
    public DateTimeOffset? DueAt
    {
        get
        {
            lock (gate)
            {
                return first is { } start ? Min(last + Quiet, start + MaxDelay) : null;
            }
        }
    }

    /// <summary>A file or folder was changed or deleted.</summary>
    public void Changed(string path, DateTimeOffset now) => Add(paths, path, now);

    /// <summary>A file or folder appeared: a folder is scanned whole (its files may have no events of their own).</summary>
    public void Created(string path, DateTimeOffset now) => Add(subtrees, path, now);

    /// <summary>A rename is the old path gone and the new one appeared; either may be outside what is watched.</summary>
    public void Renamed(string oldPath, string newPath, DateTimeOffset now)
    {
        Changed(oldPath, now);
        Created(newPath, now);
    }

    /// <summary>Events were lost: the next set rescans every watched folder.</summary>
    public void Lost(DateTimeOffset now)
    {
        lock (gate)
        {
            rescan = true;
            Touch(now);
        }
    }

    /// <summary>The gathered changes when due (and a fresh start), else null.</summary>
    public FolderChangeSet? TakeIfDue(DateTimeOffset now)
    {
        lock (gate)
        {
            if (first is not { } start || now < Min(last + Quiet, start + MaxDelay))
            {
                return null;
            }

            var set = new FolderChangeSet(paths, subtrees, rescan);
            paths = new(WatchedFiles.PathComparer);
            subtrees = new(WatchedFiles.PathComparer);
            rescan = false;
            first = null;
            return set;
        }
    }

    private void Add(HashSet<string> set, string path, DateTimeOffset now)
    {
        // Hidden, scratch and excluded paths (the index's own files) do not even wake the watch.
        if (!files.Includes(path))
        {
            return;
        }

        lock (gate)
        {
            set.Add(Path.GetFullPath(path));
            Touch(now);
        }
    }

    private void Touch(DateTimeOffset now)
    {
        first ??= now;
        last = now;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
