using System.Diagnostics;

namespace MixtralPS.Bench.Chat;

/// <summary>
/// Median wall times of a bare pwsh start and of one that imports the module; the difference is the import's cost.
/// A third start imports an empty manifest: PowerShell's own (cold) module-import machinery, which any module pays.
/// </summary>
internal sealed record ImportResult(Stats Bare, Stats WithImport, Stats EmptyModule, int Runs, int Warmup)
{
    public double ImportMs => WithImport.Median - Bare.Median;
    public double MachineryMs => EmptyModule.Median - Bare.Median;
}

/// <summary>
/// Starts pwsh as a child process, exactly as build.ps1 does (dotnet pwsh.dll -NoProfile -NonInteractive), with and
/// without Import-Module, interleaved in rotating order. Wall time from Process.Start to exit.
/// </summary>
internal sealed class ImportTimeBenchmark(string manifestPath, int warmup, int runs)
{
    private const string Bare = "exit";
    private readonly string dotnet = DotnetHost.Dotnet();
    private readonly string pwsh = DotnetHost.PwshDll();

    // -ErrorAction Stop makes a failed import exit non-zero, so a broken module cannot pass as a fast one.
    private static string ImportOf(string psd1) => $"Import-Module -Name '{psd1.Replace("'", "''")}' -ErrorAction Stop; exit 0";

    public ImportResult Run(Action<string> progress)
    {
        var emptyDir = Directory.CreateTempSubdirectory("mixtralps-bench-empty-");
        try
        {
            var emptyManifest = Path.Combine(emptyDir.FullName, "EmptyModule.psd1");
            File.WriteAllText(emptyManifest, "@{ ModuleVersion = '1.0.0' }\n");
            string[] commands = [Bare, ImportOf(manifestPath), ImportOf(emptyManifest)];

            progress($"import time: warm-up x{warmup}, then x{runs} each of bare / MixtralPS / empty module");
            for (var i = 0; i < warmup; i++)
            {
                foreach (var c in commands) Time(c);
            }

            var times = commands.Select(_ => new List<double>(runs)).ToArray();
            for (var i = 0; i < runs; i++)
            {
                // Rotating the order spreads any "second start in a row is faster" effect over all three.
                for (var k = 0; k < commands.Length; k++)
                {
                    var j = (i + k) % commands.Length;
                    times[j].Add(Time(commands[j]));
                }
            }

            return new ImportResult(Stats.Of(times[0]), Stats.Of(times[1]), Stats.Of(times[2]), runs, warmup);
        }
        finally
        {
            emptyDir.Delete(recursive: true);
        }
    }

    /// <summary>The version the child pwsh reports, for the report's header.</summary>
    public string PwshVersion() => RunPwsh("$PSVersionTable.PSVersion.ToString()").Output.Trim();

    private double Time(string command)
    {
        var (elapsed, exitCode, output) = RunPwsh(command);
        return exitCode == 0 ? elapsed : throw new InvalidOperationException($"pwsh -Command \"{command}\" exited with {exitCode}: {output}");
    }

    private (double Ms, int ExitCode, string Output) RunPwsh(string command)
    {
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { pwsh, "-NoProfile", "-NonInteractive", "-Command", command }) start.ArgumentList.Add(arg);

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("pwsh did not start");
        // Both pipes are drained concurrently so a chatty child can never block on a full pipe.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        return (elapsed, process.ExitCode, stdout.Result + stderr.Result);
    }
}
