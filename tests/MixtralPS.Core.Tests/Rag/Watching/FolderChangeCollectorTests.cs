using MixtralPS.Core.Rag.Watching;

namespace MixtralPS.Core.Tests.Rag.Watching;

/// <summary>The debounce with time passed in: no test waits on a clock.</summary>
public sealed class FolderChangeCollectorTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);
    private readonly WatchTestFolder dir = new();
    private readonly FolderChangeCollector collector;

    public FolderChangeCollectorTests() => collector = new FolderChangeCollector(new WatchedFiles([dir.Root], [dir["idx"]]), Quiet, MaxDelay);

    public void Dispose() => dir.Dispose();

    private static DateTimeOffset At(double ms) => T0.AddMilliseconds(ms);

    [Fact]
    public void NothingIsDueWithoutEvents()
    {
        Assert.Null(collector.DueAt);
        Assert.Null(collector.TakeIfDue(At(10_000)));
    }

    [Fact]
    public void ASetIsDueAQuietPeriodAfterTheLastEvent()
    {
        collector.Changed(dir["a.md"], At(0));
        collector.Changed(dir["b.md"], At(400));
        Assert.Equal(At(900), collector.DueAt);
        Assert.Null(collector.TakeIfDue(At(899)));

        var set = collector.TakeIfDue(At(900));
        Assert.NotNull(set);
        Assert.Equal([dir["a.md"], dir["b.md"]], set.Paths.Order(StringComparer.Ordinal));
        Assert.Null(collector.DueAt);
        Assert.Null(collector.TakeIfDue(At(5000)));
    }

    [Fact]
    public void AFolderAlwaysBusyIsStillUpdatedAfterTheLongestDelay()
    {
        for (var ms = 0; ms <= 6000; ms += 100)
        {
            collector.Changed(dir[$"f{ms}.md"], At(ms));
            if (ms < 5000)
            {
                Assert.Null(collector.TakeIfDue(At(ms)));
            }
        }

        Assert.Equal(At(5000), collector.DueAt);
        Assert.Equal(61, collector.TakeIfDue(At(6000))!.Paths.Count);
    }

    [Fact]
    public void EventsForOnePathCoalesceAndRenamesAreAGoneAndAnAppeared()
    {
        collector.Created(dir["a.md"], At(0));
        collector.Changed(dir["a.md"], At(1));
        collector.Changed(dir["a.md"], At(2));
        collector.Renamed(dir["old"], dir["new"], At(3));

        var set = collector.TakeIfDue(At(1000))!;
        Assert.Equal([dir["a.md"], dir["old"]], set.Paths.Order(StringComparer.Ordinal));
        Assert.Equal([dir["a.md"], dir["new"]], set.Subtrees.Order(StringComparer.Ordinal));
        Assert.False(set.Rescan);
    }

    [Fact]
    public void IgnoredPathsDoNotWakeTheWatch()
    {
        collector.Changed(dir["idx/index.db"], At(0));
        collector.Changed(dir[".git/index"], At(0));
        collector.Created(dir["a.md.swp"], At(0));
        collector.Changed(Path.Combine(Path.GetTempPath(), "elsewhere.md"), At(0));
        Assert.Null(collector.DueAt);

        // A rename from a scratch name to a watched one is the watched file appearing.
        collector.Renamed(dir["a.md.tmp"], dir["a.md"], At(0));
        var set = collector.TakeIfDue(At(1000))!;
        Assert.Empty(set.Paths);
        Assert.Equal([dir["a.md"]], set.Subtrees);
    }

    [Fact]
    public void LostEventsAskForARescan()
    {
        collector.Lost(At(0));
        var set = collector.TakeIfDue(At(500))!;
        Assert.True(set.Rescan);
        collector.Changed(dir["a.md"], At(600));
        Assert.False(collector.TakeIfDue(At(1100))!.Rescan);
    }
}
