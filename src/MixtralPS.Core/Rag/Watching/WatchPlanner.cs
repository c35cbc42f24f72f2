namespace MixtralPS.Core.Rag.Watching;

/// <summary>What one update does to the index: files to (re)index, documents to remove.</summary>
public sealed record WatchPlan(IReadOnlyList<string> Index, IReadOnlyList<StoredDocument> Remove)
{
    public bool IsEmpty => Index.Count == 0 && Remove.Count == 0;
}

/// <summary>
/// Turns a change set into a plan against what the index holds and what the disk holds now. A path that is gone
/// removes its document and, for a folder deleted or renamed away, every document under it; a folder that appeared
/// is scanned whole, and its stored documents no longer on disk are removed. Files to index may be unchanged: the
/// ingestor skips those by content hash.
/// </summary>
public static class WatchPlanner
{
    public static WatchPlan Plan(FolderChangeSet changes, IReadOnlyList<StoredDocument> stored, WatchedFiles files)
    {
        var index = new List<string>();
        var queued = new HashSet<string>(WatchedFiles.PathComparer);
        var remove = new Dictionary<long, StoredDocument>();

        void Index(string file)
        {
            if (queued.Add(file))
            {
                index.Add(file);
            }
        }

        void RemoveUnder(string path, Func<string, bool> keep)
        {
            foreach (var document in stored.Where(d => WatchedFiles.IsUnder(d.Source, path) && !keep(d.Source)))
            {
                remove.TryAdd(document.Id, document);
            }
        }

        var subtrees = changes.Rescan ? files.Roots : changes.Subtrees;
        foreach (var folder in subtrees.Select(Path.GetFullPath).Where(Directory.Exists))
        {
            var present = files.Scan(folder);
            present.ToList().ForEach(Index);
            var onDisk = present.ToHashSet(WatchedFiles.PathComparer);
            RemoveUnder(folder, onDisk.Contains);
        }

        foreach (var path in changes.Paths.Concat(subtrees).Select(Path.GetFullPath))
        {
            if (File.Exists(path))
            {
                if (files.Includes(path))
                {
                    Index(path);
                }
                else
                {
                    // Renamed to a scratch or hidden name: no longer one of the watched files.
                    RemoveUnder(path, _ => false);
                }
            }
            else if (!Directory.Exists(path))
            {
                // Gone, file or folder: its document, or every document under it.
                RemoveUnder(path, queued.Contains);
            }

            // A folder that only changed (its entries did) is left alone: its files have events of their own.
        }

        return new WatchPlan(index, remove.Values.OrderBy(d => d.Source, WatchedFiles.PathComparer).ToList());
    }
}
