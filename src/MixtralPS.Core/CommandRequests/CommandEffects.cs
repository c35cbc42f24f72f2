namespace MixtralPS.Core.CommandRequests;

/// <summary>
/// Which commands change state: files, processes, services, settings, packages, repositories. A cmdlet changes
/// state by its verb (New, Set, Remove, ...) unless it only touches the session (Set-Location, New-Object);
/// Import reads, so it is not counted. Programs are known by name, and for tools such as git by subcommand.
/// A heuristic: a program it does not know is taken as read-only.
/// </summary>
public static class CommandEffects
{
    private static readonly HashSet<string> ChangingVerbs = new(StringComparer.OrdinalIgnoreCase)
    {
        "Add", "Approve", "Backup", "Block", "Checkpoint", "Clear", "Copy", "Deny", "Deploy", "Disable", "Dismount", "Edit",
        "Enable", "Export", "Grant", "Initialize", "Install", "Lock", "Mount", "Move", "New", "Protect", "Publish", "Register",
        "Remove", "Rename", "Reset", "Restart", "Restore", "Resume", "Revoke", "Save", "Send", "Set", "Start", "Stop", "Submit",
        "Suspend", "Sync", "Unblock", "Undo", "Uninstall", "Unlock", "Unprotect", "Unpublish", "Unregister", "Update", "Write",
    };

    // Cmdlets of those verbs that touch only the session or the console.
    private static readonly HashSet<string> SessionOnly = new(StringComparer.OrdinalIgnoreCase)
    {
        "Add-Member", "Add-Type", "Clear-Host", "Clear-Variable", "New-Alias", "New-Guid", "New-Module",
        "New-Object", "New-PSDrive", "New-TimeSpan", "New-Variable", "Register-ArgumentCompleter", "Remove-PSDrive",
        "Remove-Variable", "Set-Alias", "Set-Location", "Set-PSDebug", "Set-StrictMode", "Set-Variable", "Start-Sleep",
        "Update-FormatData", "Update-List", "Update-TypeData", "Write-Debug", "Write-Error", "Write-Host", "Write-Information",
        "Write-Output", "Write-Progress", "Write-Verbose", "Write-Warning",
    };

    private static readonly HashSet<string> ChangingCmdlets = new(StringComparer.OrdinalIgnoreCase)
    {
        "Out-File", "Invoke-Expression", "Invoke-Command", "Invoke-Item",
    };

    private static readonly HashSet<string> ChangingPrograms = new(StringComparer.OrdinalIgnoreCase)
    {
        "attrib", "chattr", "chgrp", "chmod", "chown", "copy", "cp", "dd", "del", "diskpart", "doas", "erase", "fdisk", "format",
        "groupadd", "halt", "icacls", "install", "kill", "killall", "ln", "md", "mkdir", "mount", "move", "mv", "parted", "passwd",
        "pkill", "poweroff", "rd", "reboot", "ren", "rename", "rm", "rmdir", "robocopy", "rsync", "scp", "setx", "shred", "shutdown",
        "su", "sudo", "taskkill", "tee", "touch", "truncate", "umount", "unlink", "useradd", "userdel", "usermod", "wipefs", "xcopy",
    };

    private static readonly string[] PackageChanges = ["install", "uninstall", "remove", "purge", "upgrade", "update", "autoremove", "add", "i", "rm", "reinstall", "dist-upgrade"];

    // Programs that change state only with some subcommands (the first argument that is not an option).
    private static readonly Dictionary<string, HashSet<string>> ChangingSubcommands = new(StringComparer.OrdinalIgnoreCase)
    {
        ["git"] = Set("add", "am", "apply", "checkout", "cherry-pick", "clean", "clone", "commit", "fetch", "gc", "init", "merge",
            "mv", "pull", "push", "rebase", "reset", "restore", "revert", "rm", "stash", "switch", "tag"),
        ["systemctl"] = Set("start", "stop", "restart", "reload", "enable", "disable", "mask", "unmask", "kill", "daemon-reload", "isolate", "reboot", "poweroff"),
        ["service"] = Set("start", "stop", "restart", "reload"),
        ["launchctl"] = Set("load", "unload", "bootstrap", "bootout", "enable", "disable", "kickstart", "kill", "start", "stop", "remove"),
        ["docker"] = Set("build", "commit", "cp", "create", "exec", "kill", "load", "pause", "prune", "pull", "push", "restart", "rm",
            "rmi", "run", "start", "stop", "tag", "unpause", "update", "volume", "network", "system", "compose", "container", "image"),
        ["kubectl"] = Set("annotate", "apply", "autoscale", "cordon", "create", "delete", "drain", "edit", "exec", "expose", "label",
            "patch", "replace", "rollout", "run", "scale", "set", "taint", "uncordon"),
        ["reg"] = Set("add", "delete", "import", "copy", "restore", "load", "unload"),
        ["sc"] = Set("config", "create", "delete", "start", "stop", "pause", "continue", "failure"),
        ["defaults"] = Set("write", "delete", "import"),
        ["crontab"] = Set("-r", "-e"),
        ["dotnet"] = Set("add", "new", "remove", "tool", "workload", "nuget", "publish", "pack", "build"),
    };

    private static readonly string[] PackageManagers =
        ["apt", "apt-get", "brew", "cargo", "choco", "dnf", "flatpak", "gem", "npm", "pip", "pip3", "pnpm", "scoop", "snap", "winget", "yarn", "yum", "zypper"];

    private static readonly HashSet<string> ChangingMethods = new(StringComparer.OrdinalIgnoreCase)
    {
        "AppendAllLines", "AppendAllText", "AppendText", "CopyTo", "CreateSubdirectory", "CreateText", "Decrypt", "Delete",
        "Encrypt", "Kill", "MoveTo", "SetAttributes", "SetCreationTime", "SetEnvironmentVariable", "SetLastAccessTime",
        "SetLastWriteTime", "WriteAllBytes", "WriteAllLines", "WriteAllText",
    };

    static CommandEffects()
    {
        foreach (var manager in PackageManagers)
        {
            ChangingSubcommands[manager] = Set(PackageChanges);
        }
    }

    /// <summary>Whether running <paramref name="name"/> (a cmdlet, function or program) with these arguments changes state.</summary>
    /// <param name="arguments">The arguments as written: parameters with their dash, values as text.</param>
    public static bool ChangesState(string name, IReadOnlyList<string> arguments)
    {
        var command = ProgramName(name);
        if (SessionOnly.Contains(command))
        {
            return false;
        }

        if (ChangingCmdlets.Contains(command) || ChangingPrograms.Contains(command) || command.StartsWith("mkfs", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (command.Equals("Invoke-WebRequest", StringComparison.OrdinalIgnoreCase) || command.Equals("Invoke-RestMethod", StringComparison.OrdinalIgnoreCase))
        {
            return WebRequestChanges(arguments);
        }

        if (command.Equals("Tee-Object", StringComparison.OrdinalIgnoreCase))
        {
            return !arguments.Any(a => IsParameter(a, "-Variable", 2));
        }

        if (command.Equals("sed", StringComparison.OrdinalIgnoreCase))
        {
            return arguments.Any(a => a.StartsWith("-i", StringComparison.Ordinal) || a == "--in-place");
        }

        if (command.Equals("pacman", StringComparison.OrdinalIgnoreCase))
        {
            return arguments.Any(a => a.Length > 1 && a[0] == '-' && a[1] is 'S' or 'R' or 'U');
        }

        if (ChangingSubcommands.TryGetValue(command, out var subcommands))
        {
            // crontab's changing forms are options; the others' are the first word that is not one.
            var word = command.Equals("crontab", StringComparison.OrdinalIgnoreCase)
                ? arguments.FirstOrDefault(subcommands.Contains)
                : arguments.FirstOrDefault(a => !a.StartsWith('-'));
            return word is not null && subcommands.Contains(word);
        }

        var dash = command.IndexOf('-');
        return dash > 0 && ChangingVerbs.Contains(command[..dash]) && !command.StartsWith("Out-", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether a redirection to <paramref name="target"/> writes a file (not $null or the null device).</summary>
    public static bool RedirectionChanges(string target)
    {
        var t = target.Trim().Trim('\'', '"');
        return !(t.Equals("$null", StringComparison.OrdinalIgnoreCase) || t.Equals("/dev/null", StringComparison.Ordinal)
            || t.Equals("NUL", StringComparison.OrdinalIgnoreCase) || t.Length == 0);
    }

    /// <summary>Whether a .NET method call (File.Delete, $process.Kill(), ...) changes state.</summary>
    public static bool MethodChangesState(string method) => ChangingMethods.Contains(method);

    /// <summary>rm.exe and /usr/bin/rm are rm.</summary>
    private static string ProgramName(string name)
    {
        var file = name.Replace('\\', '/');
        file = file[(file.LastIndexOf('/') + 1)..];
        foreach (var extension in new[] { ".exe", ".cmd", ".bat", ".com" })
        {
            if (file.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                return file[..^extension.Length];
            }
        }

        return file;
    }

    /// <summary>A download to a file (-OutFile) or a method other than GET/HEAD/OPTIONS.</summary>
    private static bool WebRequestChanges(IReadOnlyList<string> arguments)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            var (parameter, attached) = Split(arguments[i]);
            if (IsParameter(parameter, "-OutFile", 5))
            {
                return true;
            }

            if (IsParameter(parameter, "-Method", 3) || IsParameter(parameter, "-CustomMethod", 3))
            {
                var value = (attached ?? (i + 1 < arguments.Count ? arguments[i + 1] : "")).Trim('\'', '"');
                if (!(value.Equals("Get", StringComparison.OrdinalIgnoreCase) || value.Equals("Head", StringComparison.OrdinalIgnoreCase)
                    || value.Equals("Options", StringComparison.OrdinalIgnoreCase)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>"-Method:Post" is the parameter and its value in one argument.</summary>
    private static (string Parameter, string? Value) Split(string argument)
    {
        var colon = argument.IndexOf(':');
        return argument.StartsWith('-') && colon > 0 ? (argument[..colon], argument[(colon + 1)..]) : (argument, null);
    }

    /// <summary>PowerShell takes any unambiguous prefix of a parameter name; <paramref name="shortest"/> is the shortest one taken here.</summary>
    private static bool IsParameter(string argument, string parameter, int shortest) =>
        argument.Length >= shortest && argument.Length <= parameter.Length
        && parameter.StartsWith(argument, StringComparison.OrdinalIgnoreCase);

    private static HashSet<string> Set(params string[] items) => new(items, StringComparer.OrdinalIgnoreCase);
}
