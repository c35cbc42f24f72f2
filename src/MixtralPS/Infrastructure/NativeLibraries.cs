using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace MixtralPS.Infrastructure;

/// <summary>
/// Finds the native libraries (onnxruntime, libusearch_c with libnumkong, e_sqlite3) of a module installed from
/// the package, which keeps them per platform in runtimes/&lt;rid&gt;/native: pwsh ignores deps.json, so nothing
/// else looks there. The built module has them beside the DLL, where the runtime finds them before it asks here.
/// </summary>
internal static class NativeLibraries
{
    private static readonly object Gate = new();
    private static AssemblyLoadContext? subscribed;

    /// <summary>The folder the module was loaded from.</summary>
    public static string ModuleDirectory { get; } =
        Path.GetDirectoryName(typeof(NativeLibraries).Assembly.Location) ?? AppContext.BaseDirectory;

    /// <summary>The package's name for this platform: win-x64, osx-arm64, linux-x64, linux-musl-x64...</summary>
    public static string RuntimeId
    {
        get
        {
            var os = OperatingSystem.IsWindows() ? "win"
                : OperatingSystem.IsMacOS() ? "osx"
                : RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal) ? "linux-musl"
                : "linux";
            return $"{os}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
        }
    }

    /// <summary>
    /// The last resort of the runtime's search (after each library's own resolver and the assembly's folder), so
    /// the flat layout and ONNX Runtime's own resolver keep working as they are. Idempotent: Import-Module -Force
    /// runs the initializer again on the same assembly.
    /// </summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (subscribed is not null)
            {
                return;
            }

            subscribed = AssemblyLoadContext.GetLoadContext(typeof(NativeLibraries).Assembly) ?? AssemblyLoadContext.Default;
            subscribed.ResolvingUnmanagedDll += Resolve;
        }
    }

    public static void Unregister()
    {
        lock (Gate)
        {
            if (subscribed is not null)
            {
                subscribed.ResolvingUnmanagedDll -= Resolve;
                subscribed = null;
            }
        }
    }

    private static nint Resolve(Assembly assembly, string name)
    {
        // Only the module's own assemblies (ours, ONNX Runtime's, SQLitePCLRaw's, USearch's): other modules' libraries are theirs.
        var runtimes = Path.Combine(ModuleDirectory, "runtimes");
        if (!Directory.Exists(runtimes) ||
            !string.Equals(Path.GetDirectoryName(assembly.Location), ModuleDirectory, StringComparison.Ordinal))
        {
            return 0;
        }

        var rid = RuntimeId;
        var folder = Path.Combine(runtimes, rid, "native");
        foreach (var file in FileNames(name))
        {
            var path = Path.Combine(folder, file);
            if (File.Exists(path))
            {
                // A full path: the libraries it needs (libnumkong for libusearch_c) are found beside it.
                return NativeLibrary.Load(path);
            }
        }

        var shipped = Directory.GetDirectories(runtimes).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        throw new DllNotFoundException(
            $"MixtralPS has no native library '{name}' for this platform ({rid}) in {folder}; this package carries " +
            $"{string.Join(", ", shipped)}. Chat works everywhere; local embeddings and retrieval indexes need one of those platforms.");
    }

    /// <summary>What a DllImport name is called on disk here: e_sqlite3 is libe_sqlite3.so on Linux, e_sqlite3.dll on Windows.</summary>
    private static IEnumerable<string> FileNames(string name)
    {
        var extension = OperatingSystem.IsWindows() ? ".dll" : OperatingSystem.IsMacOS() ? ".dylib" : ".so";
        var bare = Path.GetFileName(name);
        if (bare.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
        {
            yield return bare;
            yield break;
        }

        yield return bare + extension;
        if (!OperatingSystem.IsWindows() && !bare.StartsWith("lib", StringComparison.Ordinal))
        {
            yield return "lib" + bare + extension;
        }
    }
}
