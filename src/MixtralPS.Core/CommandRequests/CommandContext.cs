using System.Runtime.InteropServices;

namespace MixtralPS.Core.CommandRequests;

/// <summary>Where a suggested command will run: the platform and the PowerShell version the model must write for.</summary>
public sealed record CommandContext(string Platform, string OperatingSystem, string PowerShellVersion)
{
    /// <summary>This computer, with the PowerShell version the caller runs (the core does not know PowerShell).</summary>
    public static CommandContext ForThisComputer(string powerShellVersion) => new(
        System.OperatingSystem.IsWindows() ? "Windows" : System.OperatingSystem.IsMacOS() ? "macOS" : System.OperatingSystem.IsLinux() ? "Linux" : RuntimeInformation.OSDescription,
        RuntimeInformation.OSDescription.Trim(),
        powerShellVersion);
}
