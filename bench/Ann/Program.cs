using System.Globalization;
using System.Text;
using Cloud.Unum.USearch;
using MixtralPS.Bench;
using MixtralPS.Bench.Ann;
using MixtralPS.Core.Index;

// Usage: dotnet run --project bench/Ann -c Release -- [--sizes 100000,1000000] [--quick] [--queries N[,N...]]
//        [--ef 16,32,64,128,256] [--connectivity 16[,32]] [--graphs f16:64,f32:64,f16:128] [--compare-up-to N]
//        [--threads N] [--clusters N] [--noise SIGMA] [--rank 0,32] [--seed N] [--work DIR] [--out FILE]
// Exit codes: 0 when it ran (targets met or not: the report says), 2 for bad arguments.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

const int Dimensions = 384;
var sizes = new List<int> { 100_000, 1_000_000 };
List<int>? queryCounts = null;
var expansions = new List<int> { 16, 32, 48, 64, 96, 128, 256, 512, 1024 };
var connectivities = new List<int> { HnswSettings.Default.Connectivity };

// Graphs as precision:ef_add. The first (the defaults) is built at every size; the others, for comparison, only at
// sizes up to compareUpTo, where builds take minutes rather than tens of minutes.
var defaultPrecision = HnswSettings.Default.HalfPrecision ? "f16" : "f32";
var otherPrecision = HnswSettings.Default.HalfPrecision ? "f32" : "f16";
var graphs = new List<(bool Half, int ExpansionAdd)>();
var graphArgument = $"{defaultPrecision}:{HnswSettings.Default.ExpansionAdd},{otherPrecision}:{HnswSettings.Default.ExpansionAdd},{defaultPrecision}:{HnswSettings.Default.ExpansionAdd * 2}";
var compareUpTo = 100_000;
var threads = 0;
var clusters = 1000;
var noise = 0.05f;
var ranks = new List<int> { 0, 32 };
var seed = 20_240_601;
var quick = false;
string? outArgument = null, workArgument = null;
try
{
    static List<int> Ints(string s) => s.Split(',').Select(v => int.Parse(v, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).ToList();
    for (var i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--sizes": sizes = Ints(args[++i]); break;
            case "--queries": queryCounts = Ints(args[++i]); break;
            case "--ef": expansions = Ints(args[++i]); break;
            case "--connectivity": connectivities = Ints(args[++i]); break;
            case "--graphs": graphArgument = args[++i]; break;
            case "--compare-up-to": compareUpTo = int.Parse(args[++i], NumberStyles.AllowThousands, CultureInfo.InvariantCulture); break;
            case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
            case "--clusters": clusters = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
            case "--noise": noise = float.Parse(args[++i], CultureInfo.InvariantCulture); break;
            case "--rank": ranks = Ints(args[++i]); break;
            case "--seed": seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
            case "--work": workArgument = args[++i]; break;
            case "--out": outArgument = args[++i]; break;
            case "--quick": quick = true; break;
            default: throw new FormatException($"unknown argument '{args[i]}'");
        }
    }
}
catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
{
    Console.Error.WriteLine($"MixtralPS.Bench.Ann: {e.Message}");
    return 2;
}

foreach (var graph in graphArgument.Split(','))
{
    var parts = graph.Split(':');
    if (parts.Length != 2 || parts[0] is not ("f16" or "f32") || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var add))
    {
        Console.Error.WriteLine($"MixtralPS.Bench.Ann: '{graph}' is not precision:ef_add (e.g. f16:64)");
        return 2;
    }

    graphs.Add((parts[0] == "f16", add));
}

if (quick)
{
    sizes = [5_000, 20_000];
    clusters = Math.Min(clusters, 100);
}

// 1,000 queries where a scan is quick, ~200 at a million vectors, where each exact query reads 1.5 GB.
var queriesPerSize = sizes.Select((size, i) => queryCounts is { } q ? q[Math.Min(i, q.Count - 1)] : size >= 1_000_000 ? 200 : quick ? 200 : 1_000).ToList();

void Progress(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

var started = DateTimeOffset.Now;
var loadAtStart = MachineInfo.LoadAverage();
var outPath = outArgument ?? Path.Combine(FindRepositoryRoot() ?? Environment.CurrentDirectory, "bench", "results", $"ann-{started:yyyy-MM-dd}{(quick ? "-quick" : "")}.md");
var workDirectory = workArgument ?? Path.Combine(Path.GetTempPath(), $"mixtralps-bench-ann-{Environment.ProcessId}");
Directory.CreateDirectory(workDirectory);
var results = new List<SizeResult>();
var runs = ranks.SelectMany(rank => sizes.Select((size, i) => (Rank: rank, Size: size, Queries: queriesPerSize[i]))).ToList();
try
{
    foreach (var rank in ranks)
    {
        var generator = new ClusteredVectors(Dimensions, clusters, noise, rank, seed);
        for (var i = 0; i < sizes.Count; i++)
        {
            var size = sizes[i];
            var configs = graphs
                .Where((_, g) => g == 0 || size <= compareUpTo)
                .SelectMany(graph => connectivities.Select(m => new GraphConfig(graph.Half, m, graph.ExpansionAdd)))
                .ToList();
            Progress($"{size:N0} vectors, {generator.Describe()}");
            results.Add(AnnBenchmark.Run(generator, size, queriesPerSize[i], configs, expansions, threads, workDirectory, Progress));
            if (results.Count < runs.Count)
            {
                WriteReport(complete: false);
                Progress($"partial report written to {outPath}");
            }

            GC.Collect();
        }
    }
}
finally
{
    if (workArgument is null)
    {
        Directory.Delete(workDirectory, recursive: true);
    }
}

// Written after every size: a million-vector run takes long enough to be interrupted, and what was measured should survive.
string WriteReport(bool complete)
{
    var finished = DateTimeOffset.Now;
    var defaults = HnswSettings.Default;
    var report = new StringBuilder();
    report.AppendLine($"# HNSW index (USearch) benchmark, {started:yyyy-MM-dd HH:mm:ss zzz}{(quick ? " (--quick smoke run: sizes too small to judge the targets)" : "")}");
    report.AppendLine();
    report.AppendLine("## Machine");
    report.AppendLine();
    foreach (var line in MachineInfo.Describe())
    {
        report.AppendLine($"- {line}");
    }

    report.AppendLine($"- USearch {USearchCapabilities.Version()} (Cloud.Unum.USearch NuGet), SIMD kernels available here: {USearchCapabilities.HardwareAccelerationAvailable()}; used: {string.Join(", ", results.SelectMany(r => r.Builds).Select(b => $"{b.Config.Precision} {b.Acceleration}").Distinct())}");
    report.AppendLine($"- Load average (1, 5, 15 min) at start: {loadAtStart}; at end: {MachineInfo.LoadAverage()} (other work on this machine shares the cores: read speeds as lower bounds)");
    report.AppendLine($"- Wall time of the {(complete ? "whole run" : "run so far")}: {(finished - started).TotalMinutes:0.0} min");
    report.AppendLine();
    report.AppendLine("## Data and method");
    report.AppendLine();
    report.AppendLine($"- {Dimensions}-dimensional unit vectors with cluster structure: {clusters:N0} Gaussian centres (normalised), each point = a random centre + Gaussian noise, normalised " +
        $"(total noise variance {noise}² × {Dimensions}: mean cosine point–centre ≈ {1 / Math.Sqrt(1 + (noise * noise * Dimensions)):0.00}); queries drawn the same way from another seeded stream; seed {seed}. Two kinds of noise:");
    report.AppendLine("  - **isotropic**: N(0, σ²) in every dimension (the issue's example). Inside a cluster the points are then as structureless as uniform random ones; " +
        "at 1,000,000 points (1,000 per cluster) a query's ten nearest are barely nearer than the other 990 of its cluster: the worst case for any graph index, unlike real embeddings.");
    report.AppendLine("  - **low-rank**: 15/16 of the same variance along r random directions of each cluster's own, 1/16 isotropic: variation within a topic of low intrinsic dimension, as in real text embeddings.");
    report.AppendLine($"- Exact search: one thread, TensorPrimitives.Dot (SIMD; dot = cosine for unit vectors) over one contiguous float[], top-{AnnBenchmark.K} min-heap. It is the ground truth and the speed baseline: timed query by query, alternating with the HNSW search of the default graph loaded into memory (the summary's figures), so that load from other work on the machine weighs on both alike.");
    report.AppendLine($"- HNSW: MixtralPS.Core's HnswIndex (cosine metric). Built with AddRange on the stated threads; saved; opened with Load (into memory) and View (memory-mapped); " +
        $"queries one at a time on one thread, k = {AnnBenchmark.K}, after 20 warm-up queries. Load rows use the default ExpansionSearch ({ExpansionSearchText(defaults)}); the sweep over ExpansionSearch uses views, measured after it (speed-ups there divide by the exact rate measured earlier: read them with the load average in mind).");
    report.AppendLine($"- Recall@{AnnBenchmark.K} = |HNSW top {AnnBenchmark.K} ∩ exact top {AnnBenchmark.K}| / {AnnBenchmark.K}, averaged over the queries; lost queries = those finding fewer than half of their true ten (stuck in the wrong region of the graph, not near misses). Speed-up = HNSW queries/s ÷ exact queries/s. Latencies include the managed wrapper (locks, result arrays).");
    report.AppendLine($"- Graphs (precision, connectivity M, ef_add = expansion while adding): {string.Join("; ", graphs.Select((g, i) => $"{(g.Half ? "f16" : "f32")}, ef_add={g.ExpansionAdd}{(i == 0 ? " (the defaults, every size)" : $" (comparison, sizes ≤ {compareUpTo:N0})")}"))}; M = {string.Join(", ", connectivities)}.");
    report.AppendLine("- Targets (issue): recall@10 ≥ 0.98; HNSW ≥ 10× the exact scan at 100,000 vectors and ≥ 50× at 1,000,000.");
    report.AppendLine();
    report.AppendLine($"## Summary at the defaults ({defaultPrecision}, M={defaults.Connectivity}, ef_add={defaults.ExpansionAdd}, ExpansionSearch={ExpansionSearchText(defaults)}, loaded into memory)");
    report.AppendLine();
    report.AppendLine("| Data | Vectors | Recall@10 | HNSW queries/s | Exact queries/s | Speed-up | Target | Build rate | Build threads | File | Load | View | Smallest ExpansionSearch with recall ≥ 0.98 |");
    report.AppendLine("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|");
    foreach (var r in results)
    {
        var build = r.Builds[0];
        var primary = r.Searches.First(s => s.Config == build.Config && s.Opened == "Load");
        var enough = r.Searches.Where(s => s.Config == build.Config && s.Opened == "View" && s.Recall >= 0.98).OrderBy(s => s.ExpansionSearch).FirstOrDefault();
        var target = r.Size >= 1_000_000 ? 50 : r.Size >= 100_000 ? 10 : (double?)null;
        var speedUp = primary.QueriesPerSecond / r.ExactQueriesPerSecond;
        var verdict = target is { } t
            ? $"recall {(primary.Recall >= 0.98 ? "met" : "NOT met")}, ≥ {t}× {(speedUp >= t ? "met" : "NOT met")}"
            : "–";
        report.AppendLine($"| {r.Data} | {r.Size:N0} | {primary.Recall:0.0000} | {primary.QueriesPerSecond:N0} | {r.ExactQueriesPerSecond:N1} | {speedUp:N1}× | {verdict} | {build.VectorsPerSecond(r.Size):N0} vectors/s | {build.Threads} | " +
            $"{build.FileBytes / 1e6:N1} MB | {build.Load.TotalMilliseconds:N0} ms | {build.View.TotalMilliseconds:N1} ms | {(enough is null ? "none tried" : $"{enough.ExpansionSearch} ({enough.Recall:0.0000}, {enough.QueriesPerSecond / r.ExactQueriesPerSecond:N1}×)")} |");
    }

    report.AppendLine();

    foreach (var r in results)
    {
        var target = r.Size >= 1_000_000 ? 50 : r.Size >= 100_000 ? 10 : (double?)null;
        report.AppendLine($"## {r.Size:N0} vectors, {r.Data}, {r.Queries:N0} queries");
        report.AppendLine();
        report.AppendLine($"Exact scan: **{r.ExactQueriesPerSecond:N1} queries/s** (median {r.ExactP50Ms:0.00} ms per query). Data generated in {r.Generate.TotalSeconds:0.0} s.");
        report.AppendLine();
        report.AppendLine("| Graph | Build threads | Build time | Build rate | File size | Memory after build | Save | Load | View |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var b in r.Builds)
        {
            report.AppendLine($"| {b.Config.Precision}, M={b.Config.Connectivity}, ef_add={b.Config.ExpansionAdd} | {b.Threads} | {b.Build.TotalSeconds:0.0} s | {b.VectorsPerSecond(r.Size):N0} vectors/s | " +
                $"{b.FileBytes / 1e6:N1} MB | {b.MemoryBytes / 1e6:N1} MB | {b.Save.TotalSeconds:0.00} s | {b.Load.TotalMilliseconds:N0} ms | {b.View.TotalMilliseconds:N1} ms |");
        }

        report.AppendLine();
        report.AppendLine($"| Graph | Opened | ExpansionSearch | Recall@{AnnBenchmark.K} | Lost queries | Queries/s | Speed-up vs exact | p50 | p99 | Targets |");
        report.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var s in r.Searches)
        {
            var speedUp = s.QueriesPerSecond / r.ExactQueriesPerSecond;
            var verdict = target is { } t
                ? (s.Recall >= 0.98 ? "recall met" : "recall NOT met") + ", " + (speedUp >= t ? $"≥ {t}× met" : $"≥ {t}× NOT met")
                : "–";
            report.AppendLine($"| {s.Config.Precision}, M={s.Config.Connectivity}, ef_add={s.Config.ExpansionAdd} | {s.Opened} | {s.ExpansionSearch} | {s.Recall:0.0000} | {s.Lost} | {s.QueriesPerSecond:N0} | {speedUp:N1}× | {s.P50Ms:0.000} ms | {s.P99Ms:0.000} ms | {verdict} |");
        }

        report.AppendLine();
    }

    if (!complete)
    {
        report.AppendLine($"_Incomplete: {results.Count} of {runs.Count} runs (data × size) measured so far; the run goes on._");
        report.AppendLine();
    }

    var text = report.ToString();
    Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
    File.WriteAllText(outPath, text);
    return text;
}

Console.WriteLine(WriteReport(complete: true));
Progress($"written to {outPath}");
return 0;

static string? FindRepositoryRoot()
{
    foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MixtralPS.sln")))
            {
                return dir.FullName;
            }
        }
    }

    return null;
}

static string ExpansionSearchText(HnswSettings settings) => settings.ExpansionSearch > 0
    ? $"{settings.ExpansionSearch}"
    : $"scaled to the graph: {settings.ExpansionSearchFor(100_000)} at 100,000 vectors, {settings.ExpansionSearchFor(1_000_000)} at 1,000,000";
