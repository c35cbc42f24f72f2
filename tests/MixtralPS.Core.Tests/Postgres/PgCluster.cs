using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace MixtralPS.Core.Tests.Postgres;

/// <summary>A throwaway PostgreSQL cluster: initdb'd into a temp folder, listening on 127.0.0.1 only at a free port,
/// with a test role that logs in with a password (scram-sha-256 over TCP) and owns the test database. Dispose stops
/// it and removes the folder. tests/Pester/PgCluster.psm1 is the same for Pester: keep the two alike.</summary>
public sealed class PgCluster : IDisposable
{
    private const string SuperUser = "postgres";

    private PgCluster(string role, string folder, string database, string user, string password, string superuserPassword)
    {
        Role = role;
        Folder = folder;
        Database = database;
        User = user;
        Password = password;
        SuperuserPassword = superuserPassword;
    }

    /// <summary>"primary" or "standby".</summary>
    public string Role { get; }

    public string Folder { get; }

    public string DataDir => Path.Combine(Folder, "data");

    public string LogFile => Path.Combine(Folder, "server.log");

    public int Port { get; private set; }

    public string Database { get; }

    public string User { get; }

    public string Password { get; }

    public string SuperuserPassword { get; }

    public bool IsRunning => File.Exists(Path.Combine(DataDir, "postmaster.pid"));

    /// <summary>The test role's connection string (not a superuser: it cannot CREATE EXTENSION vector).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Database={Database};Username={User};Password={Password}";

    public string SuperuserConnectionString => $"Host=127.0.0.1;Port={Port};Database={Database};Username={SuperUser};Password={SuperuserPassword}";

    /// <summary>initdb, start, and create the test role and its database.</summary>
    public static PgCluster Start(string user = "mixtral_test", string database = "mixtral_test")
    {
        if (!PgAvailability.Available) throw new InvalidOperationException($"No PostgreSQL test cluster: {PgAvailability.Reason}");
        var cluster = new PgCluster("primary", PgProcess.NewServerFolder(), database, user, NewPassword(), NewPassword());
        try
        {
            var pwfile = Path.Combine(cluster.Folder, "pwfile");
            File.WriteAllText(pwfile, cluster.SuperuserPassword);
            if (PgAvailability.IsRoot) PgProcess.Run("chown", ["postgres:postgres", pwfile], asServerUser: false);
            cluster.Tool("initdb", "-D", cluster.DataDir, "-U", SuperUser, $"--pwfile={pwfile}", "--auth=scram-sha-256",
                "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions");
            File.Delete(pwfile);
            // Only the loopback interface and no Unix socket; durability traded for speed (the cluster is thrown away).
            File.AppendAllLines(Path.Combine(cluster.DataDir, "postgresql.conf"), [
                "", "# mixtralps test cluster", "listen_addresses = '127.0.0.1'", "unix_socket_directories = ''",
                "fsync = off", "synchronous_commit = off", "full_page_writes = off"]);
            cluster.StartServer();
            using var admin = cluster.OpenSuperuser("postgres");
            Execute(admin, $"CREATE ROLE {user} LOGIN PASSWORD '{cluster.Password}'");
            Execute(admin, $"CREATE DATABASE {database} OWNER {user}");
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>A hot standby of this cluster (pg_basebackup -R, streaming replication) on another free port,
    /// returned once it has replayed everything this cluster had written.</summary>
    public PgCluster StartStandby()
    {
        var standby = new PgCluster("standby", PgProcess.NewServerFolder(), Database, User, Password, SuperuserPassword);
        try
        {
            standby.Tool("pg_basebackup", "-d", $"host=127.0.0.1 port={Port} user={SuperUser} password={SuperuserPassword}",
                "-D", standby.DataDir, "-R", "-X", "stream", "-c", "fast", "--no-sync");
            standby.StartServer();
            standby.WaitForReplay(this);
            return standby;
        }
        catch
        {
            standby.Dispose();
            throw;
        }
    }

    /// <summary>Waits until this standby is in recovery and has replayed the primary's latest WAL, or, with
    /// <paramref name="untilSql"/> (one boolean), until that is true here. The timeout only guards against a hang.</summary>
    public void WaitForReplay(PgCluster primary, string? untilSql = null, TimeSpan? timeout = null)
    {
        if (untilSql is null)
        {
            using var source = primary.OpenSuperuser();
            var lsn = Scalar<string>(source, "SELECT pg_current_wal_lsn()::text");
            untilSql = $"SELECT pg_is_in_recovery() AND pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn";
        }
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string last;
            try
            {
                using var connection = OpenSuperuser();
                if (Scalar<bool>(connection, untilSql)) return;
                last = "not yet";
            }
            catch (NpgsqlException e) { last = e.Message; }
            if (clock.Elapsed > limit) throw new TimeoutException($"The standby on port {Port} did not catch up within {limit.TotalSeconds} s ({last}).");
            Thread.Sleep(100);
        }
    }

    /// <summary>A superuser connection (pooling off: the cluster goes away with the test).</summary>
    public NpgsqlConnection OpenSuperuser(string? database = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(SuperuserConnectionString) { Pooling = false };
        if (database is not null) builder.Database = database;
        var connection = new NpgsqlConnection(builder.ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Stops the server at once (its data is thrown away); the folder stays until Dispose.</summary>
    public void Stop()
    {
        if (IsRunning) Tool("pg_ctl", "stop", "-D", DataDir, "-m", "immediate", "-w", "-t", "30");
    }

    public void Dispose()
    {
        try { Stop(); }
        finally
        {
            try { Directory.Delete(Folder, recursive: true); }
            catch (IOException) { } // a leftover temp folder is no reason to fail a test
        }
    }

    public static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public static T Scalar<T>(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        return (T)command.ExecuteScalar()!;
    }

    // pg_ctl start on a free port, retried on another when that port was taken in between.
    private void StartServer()
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = FreeTcpPort();
            try
            {
                Tool("pg_ctl", "start", "-w", "-t", "60", "-D", DataDir, "-l", LogFile, "-o", $"-p {Port}");
                return;
            }
            catch (InvalidOperationException e)
            {
                var log = ReadLog();
                if (attempt < 3 && log.Contains("could not bind", StringComparison.Ordinal)) continue;
                throw new InvalidOperationException($"{e.Message}\n{log}", e);
            }
        }
    }

    private string ReadLog() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    private void Tool(string tool, params string[] arguments) =>
        PgProcess.Run(Path.Combine(PgAvailability.PgBin, tool), arguments, workingDirectory: Folder);

    private static int FreeTcpPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }

    private static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
