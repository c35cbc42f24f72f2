using System.Diagnostics;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;
using MixtralPS.Core.Rag.Stores.Postgres;
using MixtralPS.Core.Tests.Postgres;
using Npgsql;

namespace MixtralPS.Core.Tests.Rag.Stores;

/// <summary>What only a database store has to get right: concurrent writers, standbys, failover, errors, secrets.</summary>
public sealed class PostgresStoreTests(PgVectorFixture fixture) : StoreTestData, IClassFixture<PgVectorFixture>
{
    private RagIndexLocation NewLocation() => RagIndexLocation.Postgres(fixture.ConnectionString, fixture.NewIndexName());

    [SkippableFact]
    public async Task Two_writers_at_once_lose_nothing_and_duplicate_nothing()
    {
        var location = NewLocation();
        using (await OpenWriterAsync(location)) { }

        // Both write the same 30 sources (different versions) in batches, at the same time, in opposite orders.
        async Task WriteAll(string version, bool reverse)
        {
            using var writer = await OpenWriterAsync(location);
            var order = Enumerable.Range(0, 30).Select(i => $"doc{i:D2}.txt");
            foreach (var batch in (reverse ? order.Reverse() : order).Chunk(4))
            {
                await writer.WriteAsync(batch.Select(s => Document(s, version, ($"{s} {version} first", North, null), ($"{s} {version} second", East, null))).ToList(), CancellationToken.None);
            }

            await writer.CompleteAsync(CancellationToken.None);
        }

        await Task.WhenAll(Task.Run(() => WriteAll("one", false)), Task.Run(() => WriteAll("two", true)));

        using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        var schema = PostgresSchema.Quote(((PostgresIndexLocation)location).Schema);
        Assert.Equal(30L, Scalar<long>(connection, $"SELECT count(*) FROM {schema}.documents"));
        Assert.Equal(60L, Scalar<long>(connection, $"SELECT count(*) FROM {schema}.chunks"));
        Assert.Equal(0L, Scalar<long>(connection, $"SELECT count(*) FROM {schema}.documents d WHERE d.chunk_count <> (SELECT count(*) FROM {schema}.chunks c WHERE c.document_id = d.id)"));
        // Each document is wholly one version, never a mix.
        Assert.Equal(0L, Scalar<long>(connection, $"SELECT count(*) FROM {schema}.chunks c JOIN {schema}.documents d ON d.id = c.document_id WHERE position(d.content_hash in c.text) = 0"));
        AssertStatisticsMatch(connection, schema);
    }

    [SkippableFact]
    public async Task The_graph_build_gets_512MB_of_maintenance_memory_but_keeps_a_larger_setting()
    {
        using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        string After(string configured)
        {
            Scalar<string>(connection, $"SELECT set_config('maintenance_work_mem', '{configured}', false)");
            Scalar<object>(connection, PostgresSchema.RaiseMaintenanceWorkMemSql);
            return Scalar<string>(connection, "SHOW maintenance_work_mem");
        }

        Assert.Equal("512MB", After("64MB"));
        Assert.Equal("6GB", After("6GB"));
    }

    [SkippableFact]
    public async Task Building_the_vector_index_outlasts_the_connection_strings_command_timeout()
    {
        // The HNSW build of a first load takes minutes at 100,000 chunks; Command Timeout is for queries. Here a reader's
        // lock holds the build back for longer than the string's 1 s Command Timeout.
        var name = fixture.NewIndexName();
        var location = RagIndexLocation.Postgres(fixture.ConnectionString + ";Command Timeout=1", name);
        using var writer = await OpenWriterAsync(location);
        await writer.WriteAsync([Document("a.txt", "one", ("alpha", North, null))], CancellationToken.None);
        var schema = PostgresSchema.Quote(((PostgresIndexLocation)location).Schema);
        await using var blocker = new NpgsqlConnection(fixture.ConnectionString);
        await blocker.OpenAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        PgCluster.Execute(blocker, $"LOCK TABLE {schema}.chunks IN ROW EXCLUSIVE MODE");

        var complete = writer.CompleteAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.False(complete.IsCompleted);
        await tx.CommitAsync();
        await complete;
        Assert.Equal(1L, Scalar<long>(blocker, $"SELECT count(*) FROM pg_indexes WHERE schemaname = 'mixtralps_{name}' AND indexname = '{PostgresSchema.VectorIndexName}'"));
    }

    [SkippableFact]
    public async Task A_standby_serves_queries_and_refuses_the_writer_with_a_clear_error()
    {
        var location = (PostgresIndexLocation)await SolarSystemAsync(NewLocation());
        var standby = fixture.Cluster.StartStandby();
        try
        {
            var onStandby = RagIndexLocation.Postgres(standby.ConnectionString, location.Name);
            using (var reader = await RagIndexReader.OpenAsync(onStandby, CancellationToken.None))
            {
                var hit = Assert.Single(await reader.SearchAsync(new RagQuery("methane", North, 1, RetrievalMode.Hybrid), null, CancellationToken.None));
                Assert.Equal("alpha.txt", hit.Source);
            }

            var error = await Assert.ThrowsAsync<RagIndexException>(() => OpenWriterAsync(onStandby));
            Assert.Equal(RagIndexErrorKind.ReadOnly, error.Kind);
            Assert.Contains("read-only", error.Message, StringComparison.Ordinal);

            // A multi-host string goes on against the primary when the standby is down.
            var multiHost = $"Host=127.0.0.1:{standby.Port},127.0.0.1:{fixture.Cluster.Port};Database={standby.Database};Username={standby.User};Password={standby.Password};Target Session Attributes=prefer-standby;Load Balance Hosts=true";
            standby.Stop();
            NpgsqlConnection.ClearAllPools();
            using var failover = await RagIndexReader.OpenAsync(RagIndexLocation.Postgres(multiHost, location.Name), CancellationToken.None);
            Assert.Equal("alpha.txt", Assert.Single(await failover.SearchAsync(new RagQuery("methane", null, 1, RetrievalMode.Keyword), null, CancellationToken.None)).Source);
        }
        finally
        {
            standby.Dispose();
        }
    }

    [SkippableFact]
    public async Task Keyword_scores_match_the_folder_store_on_the_same_chunks()
    {
        var database = await SolarSystemAsync(NewLocation());
        var folder = await SolarSystemAsync(RagIndexLocation.Folder(Path.Combine(Path.GetTempPath(), "mixtralps-parity-" + Guid.NewGuid().ToString("N"))));
        try
        {
            foreach (var question in new[] { "ice", "Titan's lakes of methane", "an ocean under the ice of Europa", "zebra crossing" })
            {
                var query = new RagQuery(question, null, 10, RetrievalMode.Keyword);
                using var a = await RagIndexReader.OpenAsync(database, CancellationToken.None);
                using var b = await RagIndexReader.OpenAsync(folder, CancellationToken.None);
                var fromDatabase = (await a.SearchAsync(query, null, CancellationToken.None)).Select(h => (h.Source, h.Ordinal, Math.Round(h.Score, 4))).ToList();
                var fromFolder = (await b.SearchAsync(query, null, CancellationToken.None)).Select(h => (h.Source, h.Ordinal, Math.Round(h.Score, 4))).ToList();
                Assert.NotEmpty(fromDatabase);
                Assert.Equal(fromFolder, fromDatabase);
            }
        }
        finally
        {
            Directory.Delete(((FolderIndexLocation)folder).Path, recursive: true);
        }
    }

    [SkippableFact]
    public async Task A_wrong_password_is_refused_by_name_and_the_password_never_shows()
    {
        const string Secret = "not-the-password-4711";
        var builder = new NpgsqlConnectionStringBuilder(fixture.ConnectionString) { Password = Secret };
        var location = RagIndexLocation.Postgres(builder.ConnectionString, "docs");

        var error = await Assert.ThrowsAsync<RagIndexException>(() => OpenWriterAsync(location));

        Assert.Equal(RagIndexErrorKind.AccessDenied, error.Kind);
        foreach (var shown in new[] { error.Message, error.Path, location.Display, location.ToString(), location.Masked })
        {
            Assert.DoesNotContain(Secret, shown, StringComparison.Ordinal);
        }

        Assert.Contains("********", location.Masked, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_unreachable_server_fails_within_the_timeout()
    {
        _ = fixture.Cluster;
        var port = FreePort();
        var location = RagIndexLocation.Postgres($"Host=127.0.0.1;Port={port};Database=x;Username=y;Password=z;Timeout=3", "docs");
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RagIndexException>(() => RagIndexReader.OpenAsync(location, CancellationToken.None));

        Assert.Equal(RagIndexErrorKind.Unreachable, error.Kind);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [SkippableFact]
    public async Task A_database_without_pgvector_says_what_to_install()
    {
        var cluster = fixture.Cluster;
        var database = "noext_" + Guid.NewGuid().ToString("N")[..8];
        using (var superuser = cluster.OpenSuperuser())
        {
            PgCluster.Execute(superuser, $"CREATE DATABASE {database} OWNER {cluster.User}");
        }

        var builder = new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = database };
        var error = await Assert.ThrowsAsync<RagIndexException>(() => OpenWriterAsync(RagIndexLocation.Postgres(builder.ConnectionString, "docs")));

        Assert.Equal(RagIndexErrorKind.MissingExtension, error.Kind);
        Assert.Contains("CREATE EXTENSION vector", error.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("docs; DROP SCHEMA public")]
    [InlineData("a\"b")]
    [InlineData("")]
    [InlineData("naïve")]
    [InlineData("a_name_that_is_far_too_long_for_an_index_name_really")]
    public void Index_names_other_than_letters_digits_and_underscores_are_refused(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => RagIndexLocation.Postgres("Host=127.0.0.1", name));
        Assert.Equal("name", error.ParamName);
    }

    [SkippableFact]
    public void Index_names_are_case_insensitive_and_name_their_schema()
    {
        var location = RagIndexLocation.Postgres("Host=db1,db2;Database=rag;Username=me;Password=secret", "Team_Wiki");

        Assert.Equal("team_wiki", location.Name);
        Assert.Equal("mixtralps_team_wiki", location.Schema);
        Assert.Equal("postgresql://db1,db2/rag index 'team_wiki'", location.Display);
        Assert.DoesNotContain("secret", location.ToString(), StringComparison.Ordinal);
    }

    private static void AssertStatisticsMatch(NpgsqlConnection connection, string schema)
    {
        Assert.Equal(Scalar<long>(connection, $"SELECT count(*) FROM {schema}.chunks"), Scalar<long>(connection, $"SELECT chunks FROM {schema}.stats"));
        Assert.Equal(Scalar<long>(connection, $"SELECT coalesce(sum(term_count), 0)::bigint FROM {schema}.chunks"), Scalar<long>(connection, $"SELECT terms FROM {schema}.stats"));
    }

    private static T Scalar<T>(NpgsqlConnection connection, string sql) => PgCluster.Scalar<T>(connection, sql);

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
