using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Watching;

namespace MixtralPS.Core.Tests.Rag.Watching;

/// <summary>Change sets against the disk as it is and what the index holds.</summary>
public sealed class WatchPlannerTests : IDisposable
{
    private readonly WatchTestFolder dir = new();
    private readonly WatchedFiles files;

    public WatchPlannerTests()
    {
        Directory.CreateDirectory(dir["docs"]);
        files = new WatchedFiles([dir["docs"]], [dir["docs/idx"]]);
    }

    public void Dispose() => dir.Dispose();

    private static FolderChangeSet Changed(params string[] paths) => new(paths, [], false);

    private static FolderChangeSet Appeared(params string[] paths) => new([], paths, false);

    private static string[] Sources(IEnumerable<StoredDocument> documents) => documents.Select(d => d.Source).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void TheFirstPassIndexesEveryFileAndRemovesWhatIsGoneUnderTheWatchedFolders()
    {
        dir.Write("docs/a.md");
        dir.Write("docs/sub/b.md");
        dir.Write("docs/idx/index.db");
        StoredDocument[] stored = [dir.Stored("docs/a.md"), dir.Stored("docs/gone.md"), dir.Stored("docs/sub/gone.md"), dir.Stored("other/kept.md"), new(99, "note:1", "h", 1)];

        var plan = WatchPlanner.Plan(FolderChangeSet.Everything, stored, files);

        Assert.Equal([dir["docs/a.md"], dir["docs/sub/b.md"]], plan.Index);
        Assert.Equal([dir["docs/gone.md"], dir["docs/sub/gone.md"]], Sources(plan.Remove));
    }

    [Fact]
    public void ChangedFilesAreIndexedAndDeletedOnesRemoved()
    {
        var a = dir.Write("docs/a.md");
        var plan = WatchPlanner.Plan(Changed(a, dir["docs/b.md"]), [dir.Stored("docs/a.md"), dir.Stored("docs/b.md")], files);

        Assert.Equal([a], plan.Index);
        Assert.Equal([dir["docs/b.md"]], Sources(plan.Remove));
    }

    [Fact]
    public void ARenamedFileIsRemovedUnderItsOldNameAndIndexedUnderItsNew()
    {
        var renamed = dir.Write("docs/new.md");
        var plan = WatchPlanner.Plan(new FolderChangeSet([dir["docs/old.md"]], [renamed], false), [dir.Stored("docs/old.md")], files);

        Assert.Equal([renamed], plan.Index);
        Assert.Equal([dir["docs/old.md"]], Sources(plan.Remove));
    }

    [Fact]
    public void ADeletedFolderRemovesEveryDocumentUnderItButNotASiblingWithTheSamePrefix()
    {
        StoredDocument[] stored = [dir.Stored("docs/sub/a.md"), dir.Stored("docs/sub/deep/b.md"), dir.Stored("docs/subway.md")];
        dir.Write("docs/subway.md");

        var plan = WatchPlanner.Plan(Changed(dir["docs/sub"]), stored, files);

        Assert.Empty(plan.Index);
        Assert.Equal([dir["docs/sub/a.md"], dir["docs/sub/deep/b.md"]], Sources(plan.Remove));
    }

    [Fact]
    public void ARenamedFolderIsScannedUnderItsNewNameAndRemovedUnderItsOld()
    {
        var a = dir.Write("docs/after/a.md");
        var b = dir.Write("docs/after/deep/b.md");
        StoredDocument[] stored = [dir.Stored("docs/before/a.md"), dir.Stored("docs/before/deep/b.md")];

        var plan = WatchPlanner.Plan(new FolderChangeSet([dir["docs/before"]], [dir["docs/after"]], false), stored, files);

        Assert.Equal([a, b], plan.Index);
        Assert.Equal([dir["docs/before/a.md"], dir["docs/before/deep/b.md"]], Sources(plan.Remove));
    }

    [Fact]
    public void AFolderThatAppearedAlsoDropsItsStoredFilesThatAreNoLongerThere()
    {
        var kept = dir.Write("docs/sub/kept.md");
        var plan = WatchPlanner.Plan(Appeared(dir["docs/sub"]), [dir.Stored("docs/sub/kept.md"), dir.Stored("docs/sub/gone.md")], files);

        Assert.Equal([kept], plan.Index);
        Assert.Equal([dir["docs/sub/gone.md"]], Sources(plan.Remove));
    }

    [Fact]
    public void AFolderThatOnlyChangedIsLeftAlone()
    {
        dir.Write("docs/sub/a.md");
        Assert.True(WatchPlanner.Plan(Changed(dir["docs/sub"]), [dir.Stored("docs/sub/a.md")], files).IsEmpty);
    }

    [Fact]
    public void AFileRenamedToAScratchNameLeavesTheIndex()
    {
        // Some editors save by renaming the file away, writing a new one, and deleting the old.
        dir.Write("docs/a.md~");
        var plan = WatchPlanner.Plan(new FolderChangeSet([dir["docs/a.md"]], [dir["docs/a.md~"]], false), [dir.Stored("docs/a.md")], files);

        Assert.Empty(plan.Index);
        Assert.Equal([dir["docs/a.md"]], Sources(plan.Remove));
    }

    [Fact]
    public void ARescanAfterLostEventsFindsEverythingThatChanged()
    {
        var added = dir.Write("docs/added.md");
        var changed = dir.Write("docs/changed.md");
        var plan = WatchPlanner.Plan(new FolderChangeSet([], [], true), [dir.Stored("docs/changed.md"), dir.Stored("docs/deleted.md")], files);

        Assert.Equal([added, changed], plan.Index);
        Assert.Equal([dir["docs/deleted.md"]], Sources(plan.Remove));
    }
}
