using System.Runtime;
using MixtralPS.Bench;
using MixtralPS.Bench.Chat;

// Exit codes: 0 when the bench ran (targets met or not: the report says), 1 when it could not run, 2 for bad arguments.
var options = BenchOptions.Parse(args, out var argumentError);
if (options is null)
{
    Console.Error.WriteLine($"MixtralPS.Bench.Chat: {argumentError}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

void Progress(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

try
{
    var started = DateTimeOffset.Now;
    var loadAtStart = MachineInfo.LoadAverage();
    var machine = MachineSnapshot.Collect(Path.GetFullPath(Path.Combine(options.ModuleDir, "..", "..")));
    using var snapshot = new ModuleSnapshot(options.ModuleDir);
    var notes = new List<string>
    {
        $"The module was run from a private copy of `{snapshot.Source}` (built {snapshot.BuiltAt:yyyy-MM-dd HH:mm:ss} UTC), so a rebuild during the run could not change it.",
    };

    // A burst (network- and parser-bound: the client's own cost dominates) and a paced stream like a real model's.
    ChatScenario[] scenarios = [new("burst", Tokens: 200, ChunkDelayMs: 0), new("paced", Tokens: 200, ChunkDelayMs: 2)];
    var results = new List<ScenarioResult>();
    string hostedVersion, moduleVersion;

    ModuleAssemblies.ResolveCoreFromModule();
    Progress($"starting the test server {options.ServerDll}");
    await using (var server = await TestServerProcess.StartAsync(options.ServerDll))
    {
        Progress($"server at {server.BaseAddress}; importing {snapshot.ManifestPath} into a hosted runspace");
        using var module = new ModuleStreamRunner(snapshot.ManifestPath);
        hostedVersion = module.PowerShellVersion;
        moduleVersion = module.ModuleVersion;
        notes.Add($"In the bench process the first Import-Module (cold) took {module.InProcessImportMs:0.0} ms.");

        var streaming = new StreamingBenchmark(server, module, options.Warmup, options.Iterations);
        foreach (var scenario in scenarios)
        {
            var result = await streaming.RunAsync(scenario, Progress);
            results.Add(result);
            notes.Add($"{scenario.Name}: request body {result.RequestBodyBytes} bytes; every response checked against the scripted answer and chunk count; the server saw no retries and no schema violations.");
            if (scenario.ChunkDelayMs > 0)
            {
                // The server's Task.Delay rounds up to the OS timer, so the real gap is wider than asked for.
                notes.Add($"{scenario.Name}: {scenario.ChunkDelayMs} ms asked between chunks; the bare client's median total gives {result.Bare.Total.Median / (scenario.Tokens + 1):0.00} ms per gap.");
            }
        }
    }

    // Had the host brought its own MixtralPS.Core, the Core client and the cmdlet would not measure the same bits.
    var coreLocation = ModuleAssemblies.CoreLocation ?? "(not loaded)";
    if (!coreLocation.StartsWith(snapshot.ModuleDir, StringComparison.Ordinal))
    {
        throw new InvalidOperationException($"MixtralPS.Core was loaded from {coreLocation}, not from the module folder {snapshot.ModuleDir}");
    }

    notes.Add("The Core client and the cmdlet used the one MixtralPS.Core the module import loaded (checked by location).");

    var importBench = new ImportTimeBenchmark(snapshot.ManifestPath, options.ImportWarmup, options.ImportRuns);
    var childPwsh = importBench.PwshVersion();
    var import = importBench.Run(Progress);

    notes.Add($"Load average (1/5/15 min) at start {loadAtStart}, at end {MachineInfo.LoadAverage()}, on {machine.Cores} cores: other work on the machine widens the spread.");
    notes.Add($"Bench process GC: {(GCSettings.IsServerGC ? "server" : "workstation")}, {GCSettings.LatencyMode}; the test server runs as its own process on the same cores.");
    // Other processes competing for the cores add wake-up delays to every thread hand-off, which the cmdlet has more of.
    var busy = MachineInfo.LongLoad() is { } load && load >= machine.Cores
        ? $"the machine was busy (15-minute load average {load:0.0} on {machine.Cores} cores); thread wake-ups were slow and all figures are inflated. Re-run on an idle machine to judge the targets."
        : null;
    var report = new BenchReport(started, machine, options, hostedVersion, childPwsh, moduleVersion, results, import, notes, busy);
    var text = ReportWriter.Render(report);
    Console.WriteLine(text);
    Progress($"report written to {ReportWriter.Save(report, text)}");
    return 0;
}
catch (Exception ex)
{
    Console.Error.WriteLine($"MixtralPS.Bench.Chat failed: {ex}");
    return 1;
}
