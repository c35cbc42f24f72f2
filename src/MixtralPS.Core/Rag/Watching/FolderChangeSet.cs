namespace MixtralPS.Core.Rag.Watching;

/// <summary>
/// What changed under the watched folders during one quiet spell, coalesced: the watcher's events are hints of
/// where to look, and the disk as it is when the set is applied decides what is done (<see cref="WatchPlanner"/>).
/// </summary>
/// <param name="Paths">Files (or folders) changed or gone: indexed if a file is there, removed if nothing is.</param>
/// <param name="Subtrees">Paths that appeared (created, or renamed to): a file is indexed, a folder scanned whole.</param>
/// <param name="Rescan">The watcher lost events (its buffer overflowed): every watched folder is scanned whole.</param>
public sealed record FolderChangeSet(IReadOnlyCollection<string> Paths, IReadOnlyCollection<string> Subtrees, bool Rescan)
{
    /// <summary>A scan of every watched folder: the first pass, and the way back after lost events.</summary>
    public static FolderChangeSet Everything { get; } = new([], [], true);

    public int Count => Paths.Count + Subtrees.Count;

    public override string ToString() => Rescan ? "a rescan of every watched folder" : $"{Count} paths changed";
}
