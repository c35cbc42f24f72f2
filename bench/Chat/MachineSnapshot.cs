using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MixtralPS.Bench.Chat;

/// <summary>What the figures were measured on, and which code, for the report header.</summary>
internal sealed record MachineSnapshot(int Cores, string Cpu, string Os, string Runtime, string Sdk, string Commit)
{
    public static MachineSnapshot Collect(string repoRoot) => new(
        Environment.ProcessorCount,
        MachineInfo.CpuModel(),
        $"{MachineInfo.OsName()} ({RuntimeInformation.OSDescription}, {RuntimeInformation.OSArchitecture})",
        RuntimeInformation.FrameworkDescription,
        Capture(DotnetHost.Dotnet(), repoRoot, "--version") ?? "?",
        GitCommit(repoRoot));

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
