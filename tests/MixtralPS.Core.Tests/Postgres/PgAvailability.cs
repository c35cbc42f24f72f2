namespace MixtralPS.Core.Tests.Postgres;

/// <summary>Whether a throwaway PostgreSQL 15 cluster with pgvector can be started here, and why not; the same checks
/// as Get-PgAvailability in tests/Pester/PgCluster.psm1. build.ps1 Test installs pgvector first
/// (build/postgres/Install-PgVector.ps1).</summary>
internal static class PgAvailability
{
    private static readonly Lazy<string?> missing = new(FindMissing);

    /// <summary>The server's binaries (MIXTRALPS_PG_BIN overrides Debian's place for them).</summary>
    public static string PgBin { get; } =
        Environment.GetEnvironmentVariable("MIXTRALPS_PG_BIN") is { Length: > 0 } bin ? bin : "/usr/lib/postgresql/15/bin";

    /// <summary>CI must run these tests: there an unavailable server fails them instead of skipping them.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>postgres refuses to run as root, so as root the server tools run as the postgres user.</summary>
    public static bool IsRoot { get; } = OperatingSystem.IsLinux() && Environment.UserName == "root";

    public static bool Available => missing.Value is null;

    public static string Reason => missing.Value ?? $"PostgreSQL 15 with pgvector ({PgBin})";

    private static string? FindMissing()
    {
        if (!OperatingSystem.IsLinux()) return "the PostgreSQL tests run on Linux only";
        foreach (var tool in new[] { "initdb", "pg_ctl", "pg_basebackup", "pg_config" })
        {
            if (!File.Exists(Path.Combine(PgBin, tool))) return $"PostgreSQL 15 is not installed (no {PgBin}/{tool})";
        }
        var shareDir = PgProcess.Run(Path.Combine(PgBin, "pg_config"), ["--sharedir"], asServerUser: false).Trim();
        var control = Path.Combine(shareDir, "extension", "vector.control");
        if (!File.Exists(control)) return $"pgvector is not installed (no {control}; run build/postgres/Install-PgVector.ps1 as root)";
        if (IsRoot)
        {
            if (!File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser")) return "running as root without runuser to start PostgreSQL as postgres";
            if (!File.ReadLines("/etc/passwd").Any(line => line.StartsWith("postgres:", StringComparison.Ordinal)))
                return "running as root and there is no postgres user to run PostgreSQL as";
        }
        return null;
    }
}
