namespace MixtralPS.Bench.Chat;

/// <summary>
/// A private copy of the built module folder for the length of the run: build.ps1 deletes and re-creates
/// out/MixtralPS on every build, and a rebuild by someone else mid-run would otherwise break the bench or
/// mix two builds into one set of figures.
/// </summary>
internal sealed class ModuleSnapshot : IDisposable
{
    private readonly DirectoryInfo root;

    public ModuleSnapshot(string moduleDir)
    {
        Source = moduleDir;
        root = Directory.CreateTempSubdirectory("mixtralps-bench-chat-");
        // Keeps the folder name, as PowerShell expects a module's folder to be named after it.
        ModuleDir = Path.Combine(root.FullName, Path.GetFileName(moduleDir.TrimEnd(Path.DirectorySeparatorChar)));
        Copy(new DirectoryInfo(moduleDir), ModuleDir);
        BuiltAt = new DirectoryInfo(moduleDir).EnumerateFiles("*", SearchOption.AllDirectories).Max(f => f.LastWriteTimeUtc);
    }

    public string Source { get; }
    public string ModuleDir { get; }
    public string ManifestPath => Path.Combine(ModuleDir, "MixtralPS.psd1");

    /// <summary>The newest file time in the source folder: when the measured build was made.</summary>
    public DateTime BuiltAt { get; }

    private static void Copy(DirectoryInfo from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in from.EnumerateFiles()) file.CopyTo(Path.Combine(to, file.Name));
        foreach (var dir in from.EnumerateDirectories()) Copy(dir, Path.Combine(to, dir.Name));
    }

    public void Dispose() => root.Delete(recursive: true);
}
