using System.Diagnostics;

namespace MixtralPS.Core.Tests.Postgres;

/// <summary>Runs PostgreSQL's tools, as the postgres user when the server must not run as us (root).</summary>
internal static class PgProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2); // a guard against a hang, not a speed check

    /// <summary>Runs the tool and returns its standard output; throws with everything it printed when it fails.</summary>
    public static string Run(string exe, IEnumerable<string> arguments, bool asServerUser = true, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // postgres must be able to enter the working folder.
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        if (asServerUser && PgAvailability.IsRoot)
        {
            info.FileName = "runuser";
            foreach (var a in new[] { "-u", "postgres", "--", exe }) info.ArgumentList.Add(a);
        }
        else info.FileName = exe;
        foreach (var a in arguments) info.ArgumentList.Add(a);

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{exe} did not start.");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(exe)} did not finish within {Limit.TotalMinutes} minutes.");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(exe)} failed (exit code {process.ExitCode}): {output.Result}{error.Result}");
        return output.Result;
    }

    /// <summary>A folder only the server's user may enter, as initdb and pg_basebackup want.</summary>
    public static string NewServerFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"mixtralps-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        if (OperatingSystem.IsLinux()) File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (PgAvailability.IsRoot) Run("chown", ["postgres:postgres", folder], asServerUser: false);
        return folder;
    }
}
