namespace MixtralPS.Core.Tests.Postgres;

/// <summary>
/// A throwaway cluster whose test database has pgvector, created by the superuser as a DBA would: the test role
/// itself may not create the extension (it is not trusted), which is how most teams' databases are set up.
/// Tests skip with the reason where no cluster can be had, and fail instead under CI=true.
/// </summary>
public sealed class PgVectorFixture : IDisposable
{
    private readonly Lazy<PgCluster> cluster = new(() =>
    {
        var started = PgCluster.Start();
        using var connection = started.OpenSuperuser();
        PgCluster.Execute(connection, "CREATE EXTENSION IF NOT EXISTS vector");
        return started;
    });

    public PgCluster Cluster
    {
        get
        {
            Skip.If(!PgAvailability.Available && !PgAvailability.IsCi, $"No PostgreSQL test cluster: {PgAvailability.Reason}");
            return PgAvailability.Available
                ? cluster.Value
                : throw new InvalidOperationException($"No PostgreSQL test cluster (CI=true: these tests must run): {PgAvailability.Reason}");
        }
    }

    /// <summary>The test role's connection string (pooling on, as users have it).</summary>
    public string ConnectionString => Cluster.ConnectionString;

    /// <summary>A new index name, so that tests never see each other's indexes.</summary>
    public string NewIndexName() => "t" + Guid.NewGuid().ToString("N")[..16];

    public void Dispose()
    {
        if (cluster.IsValueCreated)
        {
            cluster.Value.Dispose();
        }
    }
}
