using System.Globalization;
using System.Runtime.InteropServices;

namespace MixtralPS.Bench;

/// <summary>What the figures were measured on, for the report headers of every bench (linked into each project).</summary>
internal static class MachineInfo
{
    /// <summary>CPU, OS and runtime lines; <paramref name="runtimeNote"/> is added to the runtime's (engine versions).</summary>
    public static IEnumerable<string> Describe(string? runtimeNote = null)
    {
        yield return $"CPU: {CpuModel()}, {Environment.ProcessorCount} logical processors (nproc), {CpuTopologyNote()}";
        yield return $"OS: {OsName()} ({RuntimeInformation.OSDescription}, {RuntimeInformation.OSArchitecture})";
        yield return $".NET: {RuntimeInformation.FrameworkDescription}{(runtimeNote is null ? "" : "; " + runtimeNote)}";
    }

    /// <summary>/proc/loadavg's 1-, 5- and 15-minute figures: other work on the machine shows here and in the timings.</summary>
    public static string LoadAverage()
    {
        const string LoadAvg = "/proc/loadavg";
        return File.Exists(LoadAvg) ? string.Join(" ", File.ReadAllText(LoadAvg).Split(' ').Take(3)) : "?";
    }

    /// <summary>The 15-minute load average (about the length of a full run), or null where there is none.</summary>
    public static double? LongLoad() =>
        LoadAverage().Split(' ') is [_, _, var fifteen] && double.TryParse(fifteen, CultureInfo.InvariantCulture, out var load)
            ? load
            : null;

    public static string CpuModel()
    {
        const string CpuInfo = "/proc/cpuinfo";
        if (!File.Exists(CpuInfo))
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }

        var line = File.ReadLines(CpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        var flags = File.ReadLines(CpuInfo).FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? "";
        var simd = string.Join("/", new[] { "avx512f", "avx512_vnni", "avx2", "fma" }.Where(f => flags.Split(' ').Contains(f)));
        return (line?[(line.IndexOf(':') + 1)..].Trim() ?? "?") + (simd.Length > 0 ? $" ({simd})" : "");
    }

    public static string OsName()
    {
        const string OsRelease = "/etc/os-release";
        if (!File.Exists(OsRelease))
        {
            return Environment.OSVersion.ToString();
        }

        var line = File.ReadLines(OsRelease).FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
        return line?["PRETTY_NAME=".Length..].Trim('"') ?? Environment.OSVersion.ToString();
    }

    private static string CpuTopologyNote()
    {
        const string CpuInfo = "/proc/cpuinfo";
        if (!File.Exists(CpuInfo))
        {
            return "cores unknown";
        }

        var cores = File.ReadLines(CpuInfo).FirstOrDefault(l => l.StartsWith("cpu cores", StringComparison.Ordinal));
        return cores is null ? "cores unknown" : $"{cores[(cores.IndexOf(':') + 1)..].Trim()} physical cores per package";
    }
}
