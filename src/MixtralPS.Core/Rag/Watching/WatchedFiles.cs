using System.IO.Enumeration;

namespace MixtralPS.Core.Rag.Watching;

/// <summary>
/// Which files under the watched folders belong in the index: what Get-ChildItem -Recurse -File lists (no hidden
/// names, no folder links followed), less editors' scratch files and the index's own folder when it lies inside a
/// watched one (else each update would trigger the next).
/// </summary>
public sealed class WatchedFiles
{
    /// <summary>How paths compare on this system: by case on Linux, without on Windows and macOS.</summary>
    public static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    public static readonly StringComparer PathComparer =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    private readonly string[] excluded;

    /// <param name="roots">The watched folders.</param>
    /// <param name="excluded">Folders whose files are never indexed (the index's own folder).</param>
    public WatchedFiles(IEnumerable<string> roots, IEnumerable<string>? excluded = null)
    {
        Roots = roots.Select(Normalize).Distinct(PathComparer).ToArray();
        if (Roots.Count == 0)
        {
            throw new ArgumentException("At least one folder must be watched.", nameof(roots));
        }

        this.excluded = (excluded ?? []).Select(Normalize).ToArray();
    }

    public IReadOnlyList<string> Roots { get; }

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> or lies inside it.</summary>
    public static bool IsUnder(string path, string folder) =>
        path.Equals(folder, PathComparison)
        || (path.Length > folder.Length && path.StartsWith(folder, PathComparison) && IsSeparator(path[folder.Length]));

    /// <summary>Whether the path lies under a watched folder.</summary>
    public bool IsWatched(string path) => Roots.Any(root => IsUnder(path, root));

    /// <summary>
    /// Whether a file or folder at this path may hold indexed files, judged by its name alone (it may be gone):
    /// under a watched folder, not under an excluded one, no hidden or scratch name on the way.
    /// </summary>
    public bool Includes(string path)
    {
        path = Normalize(path);
        var root = Roots.FirstOrDefault(r => IsUnder(path, r));
        if (root is null || excluded.Any(e => IsUnder(path, e)))
        {
            return false;
        }

        var relative = path.AsSpan(root.Length).TrimStart(Path.DirectorySeparatorChar);
        foreach (var part in relative.ToString().Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            if (IsHiddenOrScratch(part))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The files to index under <paramref name="folder"/> (a watched folder or one inside it), recursively.</summary>
    public IReadOnlyList<string> Scan(string folder)
    {
        folder = Normalize(folder);
        if (!Directory.Exists(folder) || !Includes(folder))
        {
            return [];
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
        var files = new FileSystemEnumerable<string>(folder, (ref FileSystemEntry entry) => entry.ToFullPath(), options)
        {
            // Hidden and system entries are skipped as Get-ChildItem skips them; links to folders are not followed (no loops).
            ShouldRecursePredicate = (ref FileSystemEntry entry) => Wanted(ref entry) && (entry.Attributes & FileAttributes.ReparsePoint) == 0,
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory && Wanted(ref entry),
        };
        return files.Where(f => !excluded.Any(e => IsUnder(f, e))).Order(PathComparer).ToList();
    }

    private static bool Wanted(ref FileSystemEntry entry) =>
        (entry.Attributes & (FileAttributes.Hidden | FileAttributes.System)) == 0 && !IsHiddenOrScratch(entry.FileName.ToString());

    /// <summary>Dot names (hidden on Unix, .git and the like) and editors' temporary files, which come and go while one saves.</summary>
    private static bool IsHiddenOrScratch(string name) =>
        name.StartsWith('.')
        || name.StartsWith("~$", StringComparison.Ordinal)
        || name.EndsWith('~')
        || (name.Length > 1 && name.StartsWith('#') && name.EndsWith('#'))
        || name.EndsWith(".swp", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".swx", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".crdownload", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".part", StringComparison.OrdinalIgnoreCase);

    private static bool IsSeparator(char c) => c == Path.DirectorySeparatorChar || c == Path.AltDirectorySeparatorChar;

    private static string Normalize(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
}
