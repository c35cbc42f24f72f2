namespace MixtralPS.Bench.Chat;

/// <summary>The command line: where the built module and test server are, and how long to run.</summary>
internal sealed record BenchOptions(
    string ModuleDir,
    string ServerDll,
    string ResultsDir,
    int Iterations,
    int Warmup,
    int ImportRuns,
    int ImportWarmup,
    bool Quick)
{
    public const string Usage =
        "usage: MixtralPS.Bench.Chat [--module DIR] [--server MixtralPS.TestServer.dll] [--results DIR] [--iterations N] [--quick]";

    public string ManifestPath => Path.Combine(ModuleDir, "MixtralPS.psd1");

    /// <returns>The options, or null with the reason in <paramref name="error"/>.</returns>
    public static BenchOptions? Parse(string[] args, out string? error)
    {
        string? module = null, server = null, results = null;
        int? iterations = null;
        var quick = false;
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var hasValue = i + 1 < args.Length;
            switch (args[i])
            {
                case "--module" when hasValue: module = args[++i]; break;
                case "--server" when hasValue: server = args[++i]; break;
                case "--results" when hasValue: results = args[++i]; break;
                case "--iterations" when hasValue && int.TryParse(args[i + 1], out var n) && n > 0: iterations = n; i++; break;
                case "--quick": quick = true; break;
                default:
                    error = $"unknown or incomplete argument '{args[i]}'";
                    return null;
            }
        }

        // Defaults are found from the repository root, so the bench runs from any folder inside the clone.
        var root = FindRepoRoot();
        module ??= root is null ? null : Path.Combine(root, "out", "MixtralPS");
        server ??= root is null ? null : Path.Combine(root, "tests", "MixtralPS.TestServer", "bin", "Release", "net10.0", "MixtralPS.TestServer.dll");
        results ??= root is null ? null : Path.Combine(root, "bench", "results");
        if (module is null || server is null || results is null)
        {
            error = "cannot find the repository (no out/MixtralPS above the current folder); pass --module, --server and --results";
            return null;
        }

        if (Directory.Exists(server)) server = Path.Combine(server, "MixtralPS.TestServer.dll");
        if (!File.Exists(Path.Combine(module, "MixtralPS.psd1")))
        {
            error = $"no MixtralPS.psd1 in '{module}'; build the module first: dotnet pwsh -NoProfile -File build.ps1 Build";
            return null;
        }

        if (!File.Exists(server))
        {
            error = $"no test server at '{server}'; build it first: dotnet build tests/MixtralPS.TestServer -c Release";
            return null;
        }

        return new BenchOptions(
            Path.GetFullPath(module),
            Path.GetFullPath(server),
            Path.GetFullPath(results),
            Iterations: iterations ?? (quick ? 10 : 200),
            Warmup: quick ? 3 : 20,
            ImportRuns: quick ? 3 : 15,
            ImportWarmup: quick ? 1 : 2,
            Quick: quick);
    }

    private static string? FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (Directory.Exists(Path.Combine(dir.FullName, "out", "MixtralPS"))) return dir.FullName;
            }
        }

        return null;
    }
}
