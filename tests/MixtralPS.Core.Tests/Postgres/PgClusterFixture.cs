namespace MixtralPS.Core.Tests.Postgres;

/// <summary>One throwaway cluster per test class (started on first use, so skipped tests start nothing), plus the
/// standbys its tests ask for; all stopped and removed when the class is done, whatever the tests did.</summary>
public sealed class PgClusterFixture : IDisposable
{
    private readonly Lazy<PgCluster> primary = new(StartPrimary);
    private readonly List<PgCluster> standbys = [];

    public PgCluster Primary => primary.Value;

    /// <summary>A hot standby of <see cref="Primary"/>, caught up; disposed with the fixture.</summary>
    public PgCluster AddStandby()
    {
        var standby = Primary.StartStandby();
        lock (standbys) standbys.Add(standby);
        return standby;
    }

    public void Dispose()
    {
        lock (standbys) standbys.ForEach(s => s.Dispose());
        if (primary.IsValueCreated) primary.Value.Dispose();
    }

    // Under CI=true [PgFact] does not skip, so an unavailable server lands here and fails the test with the reason.
    private static PgCluster StartPrimary() =>
        PgAvailability.Available
            ? PgCluster.Start()
            : throw new InvalidOperationException($"No PostgreSQL test cluster (CI=true: these tests must run): {PgAvailability.Reason}");
}
