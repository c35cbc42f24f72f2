using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MixtralPS.Bench.Chat;

/// <summary>What the figures were measured on, for the report header.</summary>
internal sealed record MachineInfo(int Cores, string Cpu, string Os, string Runtime, string Sdk, string Commit)
{
    public static MachineInfo Collect(string repoRoot) => new(
        Environment.ProcessorCount,
        CpuModel(),
        $"{OsName()} ({RuntimeInformation.OSDescription}, {RuntimeInformation.OSArchitecture})",
        RuntimeInformation.FrameworkDescription,
        Capture(DotnetHost.Dotnet(), repoRoot, "--version") ?? "?",
        GitCommit(repoRoot));

    /// <summary>/proc/loadavg's 1-, 5- and 15-minute figures: other work on the machine shows in the spread of the timings.</summary>
    public static string LoadAverage()
    {
        const string LoadAvg = "/proc/loadavg";
        return File.Exists(LoadAvg) ? string.Join(" ", File.ReadAllText(LoadAvg).Split(' ').Take(3)) : "?";
    }

    /// <summary>The 15-minute load average (about the length of a full run), or null where there is none.</summary>
    public static double? LongLoad() =>
        LoadAverage().Split(' ') is [_, _, var fifteen] && double.TryParse(fifteen, System.Globalization.CultureInfo.InvariantCulture, out var load)
            ? load
            : null;

    private static string CpuModel()
    {
        const string CpuInfo = "/proc/cpuinfo";
        if (!File.Exists(CpuInfo)) return "?";
        var line = File.ReadLines(CpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?[(line.IndexOf(':') + 1)..].Trim() ?? "?";
    }

    private static string OsName()
    {
        const string OsRelease = "/etc/os-release";
        if (!File.Exists(OsRelease)) return Environment.OSVersion.ToString();
        var line = File.ReadLines(OsRelease).FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
        return line?["PRETTY_NAME=".Length..].Trim('"') ?? Environment.OSVersion.ToString();
    }

    // The figures belong to a version of the code: the commit, marked when the working tree had changes.
    private static string GitCommit(string repoRoot)
    {
        var head = Capture("git", repoRoot, "rev-parse", "--short", "HEAD");
        if (head is null) return "?";
        var dirty = Capture("git", repoRoot, "status", "--porcelain", "--untracked-files=no");
        return string.IsNullOrWhiteSpace(dirty) ? head : head + " + uncommitted changes";
    }

    private static string? Capture(string file, string workingDirectory, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) start.ArgumentList.Add(a);
            using var p = Process.Start(start)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            return p.ExitCode == 0 ? stdout.Result.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // the tool is not installed
        }
    }
}
