using Npgsql;

namespace MixtralPS.Core.Tests.Postgres;

/// <summary>Hot standbys made with pg_basebackup -R: replication, refused writes, and Npgsql's multi-host failover.</summary>
public sealed class PgStandbyTests(PgClusterFixture fixture) : IClassFixture<PgClusterFixture>
{
    [PgFact]
    public void A_standby_replays_a_row_and_refuses_a_write_with_sqlstate_25006()
    {
        var standby = fixture.AddStandby();
        using (var primary = new NpgsqlConnection(fixture.Primary.ConnectionString))
        {
            primary.Open();
            PgCluster.Execute(primary, "CREATE TABLE notes (id int PRIMARY KEY, note text)");
            PgCluster.Execute(primary, "INSERT INTO notes VALUES (7, 'from the primary')");
        }
        standby.WaitForReplay(fixture.Primary, "SELECT to_regclass('notes') IS NOT NULL AND EXISTS (SELECT 1 FROM notes WHERE id = 7)");

        using var connection = new NpgsqlConnection(standby.ConnectionString);
        connection.Open();
        Assert.True(PgCluster.Scalar<bool>(connection, "SELECT pg_is_in_recovery()"));
        Assert.Equal("from the primary", PgCluster.Scalar<string>(connection, "SELECT note FROM notes WHERE id = 7"));
        var error = Assert.Throws<PostgresException>(() => PgCluster.Execute(connection, "INSERT INTO notes VALUES (8, 'on the standby')"));
        Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, error.SqlState);
        Assert.Equal("25006", error.SqlState);
    }

    [PgFact]
    public void A_prefer_standby_multi_host_string_reaches_the_standby_and_the_primary_once_the_standby_is_down()
    {
        var standby = fixture.AddStandby();
        var primary = fixture.Primary;
        var multiHost = $"Host=127.0.0.1:{standby.Port},127.0.0.1:{primary.Port};Database={primary.Database};" +
                        $"Username={primary.User};Password={primary.Password};Target Session Attributes=prefer-standby";

        Assert.Equal(standby.Port, ServerPort(multiHost));
        standby.Stop();
        // A pooled connection to the stopped server would fail its first command; a new one finds the primary.
        NpgsqlConnection.ClearAllPools();
        Assert.Equal(primary.Port, ServerPort(multiHost));
    }

    private static int ServerPort(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        return PgCluster.Scalar<int>(connection, "SELECT inet_server_port()");
    }
}
