using System.Globalization;
using System.Text;

namespace MixtralPS.Bench.Chat;

/// <summary>Everything one run produced, for the report.</summary>
internal sealed record BenchReport(
    DateTimeOffset Started,
    MachineSnapshot Machine,
    BenchOptions Options,
    string HostedPowerShell,
    string ChildPwsh,
    string ModuleVersion,
    IReadOnlyList<ScenarioResult> Scenarios,
    ImportResult Import,
    IReadOnlyList<string> Notes,
    string? Warning);

/// <summary>Renders the report as Markdown: printed to the console as the table, and saved under bench/results.</summary>
internal static class ReportWriter
{
    public static string Render(BenchReport r)
    {
        var md = new StringBuilder();
        var o = r.Options;
        md.AppendLine($"# Chat streaming and import benchmark, {r.Started:yyyy-MM-dd HH:mm:ss zzz}{(o.Quick ? " (--quick smoke run: too few iterations to trust)" : "")}");
        if (r.Warning is not null)
        {
            md.AppendLine();
            md.AppendLine($"> **Warning:** {r.Warning}");
        }

        md.AppendLine();
        md.AppendLine("## Machine and versions");
        md.AppendLine();
        md.AppendLine($"- CPU: {r.Machine.Cpu}, {r.Machine.Cores} cores (nproc)");
        md.AppendLine($"- OS: {r.Machine.Os}");
        md.AppendLine($"- .NET: {r.Machine.Runtime} (SDK {r.Machine.Sdk}); bench built Release");
        md.AppendLine($"- PowerShell: hosted Microsoft.PowerShell.SDK {r.HostedPowerShell}; child pwsh {r.ChildPwsh} (dotnet tool)");
        md.AppendLine($"- MixtralPS {r.ModuleVersion} from `{o.ModuleDir}`, commit {r.Machine.Commit}");
        md.AppendLine();
        md.AppendLine("## Streaming: bare HttpClient vs MixtralPS.Core vs Invoke-MixtralChat -Stream");
        md.AppendLine();
        md.AppendLine($"Same test server (separate process, `{Path.GetFileName(o.ServerDll)}`), same scripted answer, same request body " +
                      $"(the module's own, captured from the server and replayed byte for byte by the bare client). " +
                      $"{o.Warmup} warm-up then {o.Iterations} measured iterations per client, interleaved in rotating order.");
        md.AppendLine();
        md.AppendLine("- **HttpClient**: one pooled HttpClient, POST, ResponseHeadersRead, SSE lines read, each chunk's JSON parsed (JsonDocument), content appended. Clock from before the request is built to `data: [DONE]`.");
        md.AppendLine("- **MixtralPS.Core**: the module's own library (the DLL Import-Module loaded), no PowerShell: a new MistralClient + ChatService per call as the cmdlet makes them, `StreamAsync` awaited. Clock from before the client is built to the final update.");
        md.AppendLine("- **Invoke-MixtralChat**: hosted runspace (ReuseThread, like pwsh's console), module imported once; per iteration a new PowerShell pipeline `Invoke-MixtralChat -Message … -Stream -Endpoint …`. Clock from `PowerShell.Create()` until `Invoke()` returns the ChatResponse; TTFT is the host's first `UI.Write` of text (counted, not printed).");
        md.AppendLine("- **TTFT**: time to the first non-empty content delta. **Total**: whole call. **Tail**: last content text to the end (finishing the response). **tok/s**: content chunks / total time of the whole request (median of per-request rates).");
        md.AppendLine("- **PowerShell floor**: `Write-Output -InputObject …` in the same runspace, no I/O: what any command costs in this host, not the module's doing.");
        md.AppendLine();
        md.AppendLine("| Scenario | Client | TTFT median | TTFT p90 | Total median | Total p90 | Tail median | tok/s median |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var s in r.Scenarios)
        {
            foreach (var c in s.All)
            {
                md.AppendLine($"| {Describe(s.Scenario)} | {c.Client} | {Ms(c.Ttft.Median)} | {Ms(c.Ttft.P90)} | {Ms(c.Total.Median)} | {Ms(c.Total.P90)} | {Ms(c.Tail.Median)} | {c.TokensPerSecond.Median.ToString("N0", CultureInfo.InvariantCulture)} |");
            }
        }

        md.AppendLine();
        md.AppendLine($"Module overhead = median(Invoke-MixtralChat) − median(HttpClient). Target: at most {Ms(Targets.StreamOverheadMs)} at the median, for TTFT and for total.");
        md.AppendLine();
        md.AppendLine("| Scenario | TTFT overhead | Total overhead | Tail overhead | Target |");
        md.AppendLine("|---|---:|---:|---:|---|");
        foreach (var s in r.Scenarios)
        {
            var met = s.TtftOverheadMs <= Targets.StreamOverheadMs && s.TotalOverheadMs <= Targets.StreamOverheadMs;
            md.AppendLine($"| {Describe(s.Scenario)} | {Signed(s.TtftOverheadMs)} | {Signed(s.TotalOverheadMs)} | {Signed(s.Module.Tail.Median - s.Bare.Tail.Median)} | {Targets.Verdict(met)} |");
        }

        md.AppendLine();
        md.AppendLine("With chunks paced by the server, the total is mostly the server's timer (see the per-gap note below), so its difference of medians carries that jitter; " +
                      "TTFT and tail overheads are the client's own cost in either scenario.");
        md.AppendLine();
        md.AppendLine("Where the overhead goes (differences of medians; TTFT / total). The PowerShell floor is part of the cmdlet + PowerShell share.");
        md.AppendLine();
        md.AppendLine("| Scenario | MixtralPS.Core − HttpClient | Invoke-MixtralChat − MixtralPS.Core | PowerShell floor (median / p90) |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var s in r.Scenarios)
        {
            md.AppendLine($"| {Describe(s.Scenario)} | {Signed(s.Core.Ttft.Median - s.Bare.Ttft.Median)} / {Signed(s.Core.Total.Median - s.Bare.Total.Median)} " +
                          $"| {Signed(s.Module.Ttft.Median - s.Core.Ttft.Median)} / {Signed(s.Module.Total.Median - s.Core.Total.Median)} " +
                          $"| {Ms(s.Floor.Median)} / {Ms(s.Floor.P90)} |");
        }

        md.AppendLine();
        md.AppendLine("## Import time");
        md.AppendLine();
        md.AppendLine($"Child processes `dotnet pwsh.dll -NoProfile -NonInteractive -Command exit` vs `-Command \"Import-Module -Name <out/MixtralPS/MixtralPS.psd1> -ErrorAction Stop; exit 0\"`, " +
                      $"and, to show PowerShell's own share, the same import of an empty manifest (`@{{ ModuleVersion = '1.0.0' }}`); " +
                      $"{r.Import.Warmup} warm-up then {r.Import.Runs} runs each, interleaved in rotating order; wall time from start to exit.");
        md.AppendLine();
        md.AppendLine("| pwsh start | median | p90 |");
        md.AppendLine("|---|---:|---:|");
        md.AppendLine($"| bare (`-Command exit`) | {Ms(r.Import.Bare.Median)} | {Ms(r.Import.Bare.P90)} |");
        md.AppendLine($"| with Import-Module | {Ms(r.Import.WithImport.Median)} | {Ms(r.Import.WithImport.P90)} |");
        md.AppendLine($"| with Import-Module of an empty manifest | {Ms(r.Import.EmptyModule.Median)} | {Ms(r.Import.EmptyModule.P90)} |");
        md.AppendLine($"| **Import-Module MixtralPS cost** (difference of medians) | **{Signed(r.Import.ImportMs)}** | |");
        md.AppendLine($"| of which PowerShell's module machinery (empty manifest − bare) | {Signed(r.Import.MachineryMs)} | |");
        md.AppendLine($"| of which MixtralPS itself (MixtralPS − empty manifest) | {Signed(r.Import.ImportMs - r.Import.MachineryMs)} | |");
        md.AppendLine();
        md.AppendLine($"Target: at most {Ms(Targets.ImportMs)} beyond a bare pwsh start: {Targets.Verdict(r.Import.ImportMs <= Targets.ImportMs)}.");
        if (r.Notes.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Notes");
            md.AppendLine();
            foreach (var n in r.Notes) md.AppendLine($"- {n}");
        }

        return md.ToString();
    }

    /// <summary>Writes bench/results/chat-&lt;date&gt;.md (a --quick run gets its own name, never replacing a real one).</summary>
    public static string Save(BenchReport r, string text)
    {
        Directory.CreateDirectory(r.Options.ResultsDir);
        var name = $"chat-{r.Started:yyyy-MM-dd}{(r.Options.Quick ? "-quick" : "")}.md";
        var path = Path.Combine(r.Options.ResultsDir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Describe(ChatScenario s) => $"{s.Name}: {s.Tokens} chunks, {s.ChunkDelayMs} ms apart";

    private static string Ms(double ms) => ms.ToString(ms < 10 ? "0.000" : ms < 100 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " ms";

    private static string Signed(double ms) => (ms >= 0 ? "+" : "−") + Ms(Math.Abs(ms));
}
