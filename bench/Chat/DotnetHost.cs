namespace MixtralPS.Bench.Chat;

/// <summary>Finds the dotnet executable and the pinned pwsh tool, so child processes start the way build.ps1 starts them.</summary>
internal static class DotnetHost
{
    public const string PwshVersion = "7.6.9";

    /// <summary>The muxer: the bench's own host when it is dotnet, else DOTNET_HOST_PATH (set by the SDK), else PATH.</summary>
    public static string Dotnet()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk)) return fromSdk;
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }

        throw new FileNotFoundException("cannot find the dotnet executable (not on PATH, DOTNET_HOST_PATH unset)");
    }

    /// <summary>pwsh.dll of the local tool (.config/dotnet-tools.json pins 7.6.9), in the NuGet package cache.</summary>
    public static string PwshDll()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
        {
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        var platform = OperatingSystem.IsWindows() ? "win" : "unix";
        var dll = Path.Combine(packages, "powershell", PwshVersion, "tools", "net10.0", "any", platform, "pwsh.dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"pwsh {PwshVersion} is not restored at {dll}; run: dotnet tool restore");
    }
}
