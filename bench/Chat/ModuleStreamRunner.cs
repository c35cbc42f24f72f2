using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace MixtralPS.Bench.Chat;

/// <summary>
/// Runs Invoke-MixtralChat -Stream in a PowerShell runspace hosted in this process. The built module is imported
/// once (warm, as in an interactive session); each call is a new PowerShell pipeline on that runspace.
/// </summary>
internal sealed class ModuleStreamRunner : IDisposable
{
    private readonly TimingHost host = new();
    private readonly Runspace runspace;

    public ModuleStreamRunner(string manifestPath)
    {
        runspace = RunspaceFactory.CreateRunspace(host, InitialSessionState.CreateDefault2());
        // ReuseThread is what pwsh's console does: every command runs on one long-lived pipeline thread.
        runspace.ThreadOptions = PSThreadOptions.ReuseThread;
        runspace.Open();

        using var ps = NewPipeline();
        var start = Stopwatch.GetTimestamp();
        var module = ps.AddCommand("Import-Module").AddParameter("Name", manifestPath).AddParameter("PassThru").AddParameter("ErrorAction", "Stop").Invoke();
        InProcessImportMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        ThrowOnErrors(ps, "Import-Module");
        ModuleVersion = module.Count > 0 ? module[0].Properties["Version"]?.Value?.ToString() ?? "?" : "?";
        ModuleAssembly = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "MixtralPS")?.Location ?? "?";

        using var version = NewPipeline();
        PowerShellVersion = version.AddScript("$PSVersionTable.PSVersion.ToString()").Invoke()[0].ToString();
    }

    public string ModuleVersion { get; }
    public string ModuleAssembly { get; }
    public string PowerShellVersion { get; }

    /// <summary>The first Import-Module in this process (cold JIT, like a fresh session), for reference.</summary>
    public double InProcessImportMs { get; }

    /// <summary>One streamed chat; the clock runs from building the pipeline until Invoke returns the response.</summary>
    public (StreamSample Sample, string Content) Run(Uri endpoint, string question)
    {
        var ui = host.TimingUI;
        ui.Reset();
        var start = Stopwatch.GetTimestamp();
        using var ps = NewPipeline();
        ps.AddCommand("Invoke-MixtralChat")
            .AddParameter("Message", question)
            .AddParameter("Stream")
            .AddParameter("Endpoint", endpoint.AbsoluteUri);
        var output = ps.Invoke();
        var end = Stopwatch.GetTimestamp();

        ThrowOnErrors(ps, "Invoke-MixtralChat");
        if (output.Count != 1) throw new InvalidOperationException($"Invoke-MixtralChat -Stream returned {output.Count} objects, not 1");
        var content = output[0].Properties["Content"]?.Value as string ?? "";
        if (ui.Characters != content.Length)
        {
            throw new InvalidOperationException($"the host was shown {ui.Characters} characters but the response holds {content.Length}");
        }

        return (new StreamSample(start, ui.FirstText, ui.LastText, end, ui.Writes), content);
    }

    /// <summary>
    /// The same pipeline with a built-in cmdlet that does no I/O: what any command costs in this host
    /// (pipeline creation, thread hand-off, binding), the part of the overhead that is not the module's.
    /// </summary>
    public double RunFloor(string question)
    {
        var start = Stopwatch.GetTimestamp();
        using var ps = NewPipeline();
        ps.AddCommand("Write-Output").AddParameter("InputObject", question);
        var output = ps.Invoke();
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        ThrowOnErrors(ps, "Write-Output");
        return output.Count == 1 ? elapsed : throw new InvalidOperationException("Write-Output returned nothing");
    }

    private PowerShell NewPipeline()
    {
        var ps = PowerShell.Create();
        ps.Runspace = runspace;
        return ps;
    }

    private static void ThrowOnErrors(PowerShell ps, string what)
    {
        if (!ps.HadErrors) return;
        var errors = string.Join("; ", ps.Streams.Error.Select(e => e.ToString()));
        throw new InvalidOperationException($"{what} failed: {(errors.Length > 0 ? errors : "(no error record)")}");
    }

    public void Dispose() => runspace.Dispose();
}
