using System.Management.Automation;

namespace MixtralPS.Infrastructure;

/// <summary>Runs when pwsh imports and removes the module: the native library lookup of the packaged layout.</summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    public void OnImport() => NativeLibraries.Register();

    public void OnRemove(PSModuleInfo psModuleInfo) => NativeLibraries.Unregister();
}
