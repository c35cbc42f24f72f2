using Npgsql;
using Pgvector;

namespace MixtralPS.Core.Tests.Postgres;

/// <summary>The throwaway cluster itself, and pgvector in it through Npgsql and Pgvector's type handler.</summary>
public sealed class PgClusterTests(PgClusterFixture fixture) : IClassFixture<PgClusterFixture>
{
    [PgFact]
    public void The_test_role_logs_in_over_tcp_on_loopback_with_its_password_only()
    {
        using (var connection = new NpgsqlConnection(fixture.Primary.ConnectionString))
        {
            connection.Open();
            Assert.Equal("mixtral_test", PgCluster.Scalar<string>(connection, "SELECT current_user::text"));
            Assert.Equal("127.0.0.1/32", PgCluster.Scalar<string>(connection, "SELECT inet_server_addr()::text"));
        }
        using (var admin = fixture.Primary.OpenSuperuser())
        {
            Assert.Equal("127.0.0.1", PgCluster.Scalar<string>(admin, "SHOW listen_addresses"));
            Assert.True(PgCluster.Scalar<bool>(admin, "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'mixtral_test'"));
        }
        var wrong = new NpgsqlConnectionStringBuilder(fixture.Primary.ConnectionString) { Password = "not-the-password", Pooling = false };
        using var refused = new NpgsqlConnection(wrong.ConnectionString);
        var error = Assert.Throws<PostgresException>(refused.Open);
        Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
    }

    [PgFact]
    public async Task A_vector_column_round_trips_and_an_hnsw_index_serves_nearest_neighbours()
    {
        using (var admin = fixture.Primary.OpenSuperuser())
        {
            // vector is not a trusted extension: only a superuser may create it.
            PgCluster.Execute(admin, "CREATE EXTENSION IF NOT EXISTS vector");
            Assert.Equal("0.8.6", PgCluster.Scalar<string>(admin, "SELECT extversion FROM pg_extension WHERE extname = 'vector'"));
        }
        var builder = new NpgsqlDataSourceBuilder(fixture.Primary.ConnectionString);
        builder.UseVector();
        await using var source = builder.Build();
        await using var connection = await source.OpenConnectionAsync();
        PgCluster.Execute(connection, "CREATE TABLE items (id int PRIMARY KEY, embedding vector(3))");
        float[][] vectors = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.9f, 0.1f, 0]];
        for (var i = 0; i < vectors.Length; i++)
        {
            await using var insert = new NpgsqlCommand("INSERT INTO items VALUES ($1, $2)", connection);
            insert.Parameters.Add(new() { Value = i + 1 });
            insert.Parameters.Add(new() { Value = new Vector(vectors[i]) });
            await insert.ExecuteNonQueryAsync();
        }
        PgCluster.Execute(connection, "CREATE INDEX items_embedding ON items USING hnsw (embedding vector_cosine_ops)");

        await using (var read = new NpgsqlCommand("SELECT embedding FROM items WHERE id = 4", connection))
            Assert.Equal(vectors[3], ((Vector)(await read.ExecuteScalarAsync())!).ToArray());

        PgCluster.Execute(connection, "SET enable_seqscan = off");
        const string nearest = "SELECT id FROM items ORDER BY embedding <=> $1 LIMIT 2";
        await using (var explain = new NpgsqlCommand($"EXPLAIN {nearest}", connection))
        {
            explain.Parameters.Add(new() { Value = new Vector(new float[] { 1, 0.05f, 0 }) });
            var plan = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync())
                while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
            Assert.Contains(plan, line => line.Contains("Index Scan using items_embedding", StringComparison.Ordinal));
        }
        await using var query = new NpgsqlCommand(nearest, connection);
        query.Parameters.Add(new() { Value = new Vector(new float[] { 1, 0.05f, 0 }) });
        var ids = new List<int>();
        await using (var reader = await query.ExecuteReaderAsync())
            while (await reader.ReadAsync()) ids.Add(reader.GetInt32(0));
        Assert.Equal([1, 4], ids);
    }
}
