using System.Reflection;
using System.Runtime.Loader;

namespace MixtralPS.Bench.Chat;

/// <summary>
/// Points the bench's compile-time reference to MixtralPS.Core at the copy Import-Module loaded from the module
/// folder, so the Core-only client and the cmdlet run the same bits (and no second copy is loaded).
/// </summary>
internal static class ModuleAssemblies
{
    private const string CoreName = "MixtralPS.Core";

    public static void ResolveCoreFromModule() => AssemblyLoadContext.Default.Resolving += (_, name) =>
        name.Name == CoreName ? Loaded(CoreName) : null;

    /// <summary>Where the process's MixtralPS.Core came from; must be the module folder.</summary>
    public static string? CoreLocation => Loaded(CoreName)?.Location;

    private static Assembly? Loaded(string name) =>
        AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == name);
}
