using MixtralPS.Core.Rag.Watching;

namespace MixtralPS.Core.Tests.Rag.Watching;

public sealed class WatchedFilesTests : IDisposable
{
    private readonly WatchTestFolder dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void ScanListsFilesRecursivelyWithoutHiddenScratchOrTheIndexFolder()
    {
        dir.Write("a.md");
        dir.Write("sub/deeper/b.txt");
        dir.Write(".git/config");
        dir.Write("sub/.hidden.md");
        dir.Write("notes.md~");
        dir.Write("sub/.notes.md.swp");
        dir.Write("~$report.docx");
        dir.Write("draft.tmp");
        dir.Write("docs.ragidx/index.db");

        var files = new WatchedFiles([dir.Root], [dir["docs.ragidx"]]);

        Assert.Equal([dir["a.md"], dir["sub/deeper/b.txt"]], files.Scan(dir.Root).Order(StringComparer.Ordinal));
        Assert.Equal([dir["sub/deeper/b.txt"]], files.Scan(dir["sub"]));
        Assert.Empty(files.Scan(dir[".git"]));
    }

    [Theory]
    [InlineData("a.md", true)]
    [InlineData("sub/x/y.txt", true)]
    [InlineData(".git/HEAD", false)]
    [InlineData("sub/.cache/y.txt", false)]
    [InlineData("a.md~", false)]
    [InlineData("#a.md#", false)]
    [InlineData("docs.ragidx/index.db", false)]
    [InlineData("docs.ragidx", false)]
    public void IncludesJudgesByNameAlone(string relative, bool included)
    {
        var files = new WatchedFiles([dir.Root], [dir["docs.ragidx"]]);
        Assert.Equal(included, files.Includes(dir[relative]));
    }

    [Fact]
    public void ASiblingWithTheSamePrefixIsNotUnderTheFolder()
    {
        var files = new WatchedFiles([dir["docs"]]);
        Assert.True(files.Includes(dir["docs/a.md"]));
        Assert.False(files.Includes(dir["docs2/a.md"]));
        Assert.False(WatchedFiles.IsUnder(dir["docs2/a.md"], dir["docs"]));
        Assert.True(WatchedFiles.IsUnder(dir["docs"], dir["docs"]));
    }

    [Fact]
    public void ScanDoesNotFollowLinksToFolders()
    {
        dir.Write("real/a.md");
        try
        {
            Directory.CreateSymbolicLink(dir["real/loop"], dir.Root);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return; // Windows without the right to make links: nothing to test.
        }

        Assert.Equal([dir["real/a.md"]], new WatchedFiles([dir.Root]).Scan(dir.Root));
    }
}
