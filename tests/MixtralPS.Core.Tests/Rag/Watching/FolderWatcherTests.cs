using MixtralPS.Core.Rag.Watching;

namespace MixtralPS.Core.Tests.Rag.Watching;

/// <summary>
/// Real file-system events through the watcher and the planner. Each test waits for a condition with a generous
/// timeout: how many change sets the events fall into depends on the machine, what they add up to does not.
/// </summary>
public sealed class FolderWatcherTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly WatchTestFolder dir = new();
    private readonly WatchedFiles files;
    private readonly FolderWatcher watcher;

    public FolderWatcherTests()
    {
        Directory.CreateDirectory(dir["docs"]);
        files = new WatchedFiles([dir["docs"]]);
        watcher = new FolderWatcher(files, quiet: TimeSpan.FromMilliseconds(100));
    }

    public void Dispose()
    {
        watcher.Dispose();
        dir.Dispose();
    }

    /// <summary>Applies change sets to a fake index (a set of sources) until it equals <paramref name="expected"/>.</summary>
    private async Task<HashSet<string>> FollowUntil(HashSet<string> index, IEnumerable<string> expected)
    {
        var want = expected.ToHashSet(WatchedFiles.PathComparer);
        using var timeout = new CancellationTokenSource(Timeout);
        while (!index.SetEquals(want))
        {
            FolderChangeSet changes;
            try
            {
                changes = await watcher.NextAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"The index never came to [{string.Join(", ", want)}]; it holds [{string.Join(", ", index)}].");
                throw;
            }

            var stored = index.Select((s, i) => new Core.Rag.StoredDocument(i, s, "h", 1)).ToList();
            var plan = WatchPlanner.Plan(changes, stored, files);
            index.ExceptWith(plan.Remove.Select(d => d.Source));
            index.UnionWith(plan.Index);
        }

        return index;
    }

    [Fact]
    public async Task CreateChangeRenameAndDeleteAreFollowed()
    {
        var index = new HashSet<string>(WatchedFiles.PathComparer);
        dir.Write("docs/a.md", "one");
        dir.Write("docs/sub/b.md", "two");
        await FollowUntil(index, [dir["docs/a.md"], dir["docs/sub/b.md"]]);

        File.Move(dir["docs/a.md"], dir["docs/renamed.md"]);
        await FollowUntil(index, [dir["docs/renamed.md"], dir["docs/sub/b.md"]]);

        Directory.Move(dir["docs/sub"], dir["docs/moved"]);
        await FollowUntil(index, [dir["docs/renamed.md"], dir["docs/moved/b.md"]]);

        Directory.Delete(dir["docs/moved"], recursive: true);
        File.Delete(dir["docs/renamed.md"]);
        await FollowUntil(index, []);
    }

    [Fact]
    public async Task AChangedFileComesInAChangeSet()
    {
        var a = dir.Write("docs/a.md", "one");
        await FollowUntil([], [a]);

        File.AppendAllText(a, " more");
        using var timeout = new CancellationTokenSource(Timeout);
        FolderChangeSet changes;
        do
        {
            changes = await watcher.NextAsync(timeout.Token);
        }
        while (!changes.Paths.Contains(a) && !changes.Subtrees.Contains(a) && !changes.Rescan);
    }

    [Fact]
    public async Task AFolderMovedInFromOutsideIsScannedWhole()
    {
        var outside = dir.Write("outside/x/a.md");
        dir.Write("outside/x/b.md");
        Directory.Move(dir["outside/x"], dir["docs/x"]);
        await FollowUntil([], [dir["docs/x/a.md"], dir["docs/x/b.md"]]);
        Assert.False(File.Exists(outside));
    }

    [Fact]
    public async Task ABurstOfAHundredFilesAllArrive()
    {
        var expected = Enumerable.Range(0, 100).Select(i => dir.Write($"docs/burst/{i % 7}/f{i}.txt", $"file {i}")).ToList();
        await FollowUntil([], expected);
    }

    [Fact]
    public async Task NextAsyncStopsWhenCancelled()
    {
        using var cancel = new CancellationTokenSource();
        var next = watcher.NextAsync(cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
    }
}
