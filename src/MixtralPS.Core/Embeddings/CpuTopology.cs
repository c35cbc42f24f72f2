namespace MixtralPS.Core.Embeddings;

/// <summary>How many threads the model should use: one per physical core (SMT siblings share the FMA units).</summary>
internal static class CpuTopology
{
    private static readonly Lazy<int> PhysicalCores = new(CountPhysicalCores);

    /// <summary>Physical cores this process may use; 0 when unknown (ONNX Runtime then picks physical cores itself).</summary>
    public static int PhysicalCoreCount => PhysicalCores.Value;

    private static int CountPhysicalCores()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        try
        {
            // Distinct (package, core) pairs among online CPUs; ProcessorCount caps it by affinity and cgroup quota.
            var cores = new HashSet<(string Package, string Core)>();
            foreach (var cpu in Directory.EnumerateDirectories("/sys/devices/system/cpu", "cpu*"))
            {
                var topology = Path.Combine(cpu, "topology");
                var coreFile = Path.Combine(topology, "core_id");
                if (!char.IsDigit(Path.GetFileName(cpu)[^1]) || !File.Exists(coreFile))
                {
                    continue;
                }

                var packageFile = Path.Combine(topology, "physical_package_id");
                var package = File.Exists(packageFile) ? File.ReadAllText(packageFile).Trim() : "0";
                cores.Add((package, File.ReadAllText(coreFile).Trim()));
            }

            return cores.Count == 0 ? 0 : Math.Max(1, Math.Min(cores.Count, Environment.ProcessorCount));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
