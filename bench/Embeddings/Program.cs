using System.Globalization;
using System.Text;
using MixtralPS.Bench;
using MixtralPS.Bench.Embeddings;
using MixtralPS.Core.Embeddings;

// Usage: dotnet run --project bench/Embeddings -c Release -- [--data DIR] [--chunks N] [--rounds N]
//        [--skip-scifact] [--skip-speed] [--skip-reference] [--scifact model@tokens[,model@tokens...]] [--out FILE]
// --skip-reference leaves the (slow) reference encoder out of the speed part; the int8 model is always in it.
// Exit codes: 0 when it ran (targets met or not: the report says), 1 when it could not run, 2 for bad arguments.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

string? dataArgument = null, outArgument = null;
var chunkCount = 400;
var rounds = 5;
var runSciFact = true;
var runSpeed = true;
var withReference = true;
var sciFactRuns = new List<(string Model, int Tokens)>
{
    ("all-MiniLM-L6-v2", 256),
    (LocalModelCatalog.Int8ModelName, 256),
    ("snowflake-arctic-embed-xs", 512),
    ("all-MiniLM-L6-v2", 512),
};
try
{
    for (var i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--data": dataArgument = args[++i]; break;
            case "--out": outArgument = args[++i]; break;
            case "--chunks": chunkCount = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
            case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
            case "--skip-scifact": runSciFact = false; break;
            case "--skip-speed": runSpeed = false; break;
            case "--skip-reference": withReference = false; break;
            case "--scifact":
                sciFactRuns = args[++i].Split(',').Select(s => s.Split('@')).Select(p => (p[0], int.Parse(p[1], CultureInfo.InvariantCulture))).ToList();
                break;
            default: throw new FormatException($"unknown argument '{args[i]}'");
        }
    }
}
catch (Exception e) when (e is FormatException or IndexOutOfRangeException)
{
    Console.Error.WriteLine($"MixtralPS.Bench.Embeddings: {e.Message}");
    return 2;
}

void Progress(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

var dataDirectory = SciFactData.Locate(dataArgument);
if (dataDirectory is null)
{
    Console.Error.WriteLine("SciFact not found: pass --data DIR, or run from below a folder holding shared/data/scifact.");
    return 1;
}

var baseDirectory = AppContext.BaseDirectory; // build/LocalModels.targets put models/ here
var started = DateTimeOffset.Now;
var loadAtStart = MachineInfo.LoadAverage();
var data = SciFactData.Load(dataDirectory);
Progress($"SciFact from {dataDirectory}: {data.Corpus.Count} documents, {data.Queries.Count} test queries, {data.Qrels.Sum(q => q.Value.Count)} judgments");

// MTEB's published scores (shared/README.md: embeddings-benchmark/results, commit f4cc6c8b).
var targets = new Dictionary<(string, int), double>
{
    [("all-MiniLM-L6-v2", 256)] = 0.64508,
    [("snowflake-arctic-embed-xs", 512)] = 0.64512,
};

var outPath = outArgument ?? Path.Combine(FindRepositoryRoot() ?? Environment.CurrentDirectory, "bench", "results", $"embeddings-{started:yyyy-MM-dd}.md");
List<SpeedResult> speed = [];
(double Mean, double Min)? agreement = null;
var quality = new List<SciFactResult>();

// The report is rewritten after each part, so a run stopped early still leaves what it measured.
if (runSpeed)
{
    speed = SpeedBenchmark.Run(data.Chunks(chunkCount), baseDirectory, rounds, withReference, Progress);
    agreement = SpeedBenchmark.Int8Agreement(data.Chunks(chunkCount), baseDirectory);
    WriteReport(final: !runSciFact);
}

if (runSciFact)
{
    foreach (var (model, tokens) in sciFactRuns)
    {
        quality.Add(SciFactBenchmark.Run(data, baseDirectory, model, tokens, targets.TryGetValue((model, tokens), out var t) ? t : null, Progress));
        WriteReport(final: quality.Count == sciFactRuns.Count);
    }
}

return 0;

void WriteReport(bool final)
{
    var text = Report(final);
    if (final)
    {
        Console.WriteLine(text);
    }

    Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
    File.WriteAllText(outPath, text);
    Progress($"report written to {outPath}{(final ? "" : " (partial)")}");
}

string Report(bool final)
{
    var report = new StringBuilder();
    report.AppendLine($"# Local embeddings benchmark, {started:yyyy-MM-dd HH:mm:ss zzz}");
    report.AppendLine();
    report.AppendLine("`dotnet run --project bench/Embeddings -c Release -- " + string.Join(' ', args) + "`" + (final ? "" : " — **run still in progress or stopped early: parts below are missing**"));
    report.AppendLine();
    report.AppendLine("## Machine");
    report.AppendLine();
    foreach (var line in MachineInfo.Describe($"ONNX Runtime {typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version}"))
    {
        report.AppendLine($"- {line}");
    }

    report.AppendLine($"- ONNX Runtime threads: {(CpuTopology.PhysicalCoreCount == 0 ? "ONNX Runtime's default" : CpuTopology.PhysicalCoreCount.ToString(CultureInfo.InvariantCulture))} intra-op (physical cores), sequential execution, graph optimisation ALL");
    report.AppendLine($"- Load average (1, 5, 15 min) at start: {loadAtStart}; when written: {MachineInfo.LoadAverage()} (other work on this machine shares the cores: absolute speeds are lower bounds, the interleaved ratios hold better)");
    report.AppendLine();

    if (speed.Count > 0)
    {
        var ours = speed.Single(s => s.Name == "MixtralPS provider");
        var bare = speed.Single(s => s.Name == "bare ONNX Runtime");
        var bestReference = speed.Where(s => s.Name.StartsWith("reference", StringComparison.Ordinal)).MaxBy(s => s.BestPerSecond);
        report.AppendLine("## Speed: all-MiniLM-L6-v2 on 512-character SciFact chunks");
        report.AppendLine();
        report.AppendLine($"{chunkCount} chunks; each contender warmed up once, then {rounds} interleaved rounds (order rotated each round); best and median round. " +
            "GFLOP/s = estimated FLOPs of the chunks' real tokens (no padding) / best time; per token per layer 2 × " +
            $"{SpeedBenchmark.EncoderWeightsPerLayer:N0} encoder weights (Q, K, V, output, two feed-forward matrices; embeddings are lookups) " +
            "plus attention's 2 × 2 × tokens × 384 for QKᵀ and AV; softmax, LayerNorm and GELU not counted.");
        report.AppendLine();
        report.AppendLine("| Contender | chunks/s (best) | chunks/s (median) | GFLOP/s (best) | How |");
        report.AppendLine("|---|---:|---:|---:|---|");
        foreach (var s in speed)
        {
            report.AppendLine($"| {s.Name} | {s.BestPerSecond:0.0} | {s.MedianPerSecond:0.0} | {s.BestGflops:0.0} | {s.How} |");
        }

        report.AppendLine();
        var vsBare = ours.BestPerSecond / bare.BestPerSecond;
        if (bestReference is not null)
        {
            var vsReference = ours.BestPerSecond / bestReference.BestPerSecond;
            report.AppendLine($"- Provider vs the faster reference mode ({bestReference.Name}): **{vsReference:0.00}×** (target ≥ 4×: {(vsReference >= 4 ? "met" : "NOT met")}); " +
                $"vs reference one per call: {ours.BestPerSecond / speed.Single(s => s.Name == "reference, 1 per call").BestPerSecond:0.00}×; " +
                $"vs reference 32 per call: {ours.BestPerSecond / speed.Single(s => s.Name == "reference, 32 per call").BestPerSecond:0.00}×.");
        }

        report.AppendLine($"- Provider vs bare ONNX Runtime: **{vsBare:P1}** (target ≥ 90%: {(vsBare >= 0.9 ? "met" : "NOT met")}); medians: {ours.MedianPerSecond / bare.MedianPerSecond:P1}.");
        var int8 = speed.Single(s => s.Name == "MixtralPS provider, int8");
        report.AppendLine($"- int8 vs FP32 provider: **{int8.BestPerSecond / ours.BestPerSecond:0.00}×** best, {int8.MedianPerSecond / ours.MedianPerSecond:0.00}× median (target ≥ 1.8×)" +
            (agreement is { } a ? $"; cosine of each chunk's int8 vector to its FP32 vector: mean {a.Mean:0.0000}, lowest {a.Min:0.0000}." : "."));
        report.AppendLine();
    }

    if (quality.Count > 0)
    {
        report.AppendLine("## Quality: SciFact (BEIR) retrieval, nDCG@10");
        report.AppendLine();
        report.AppendLine($"{data.Corpus.Count} documents embedded as `title + \" \" + text`, the {data.Queries.Count} test queries of qrels/test.tsv as queries " +
            "(with the model's query prefix), exact cosine search over the whole corpus. nDCG@10 as pytrec_eval computes it (gain = grade, " +
            "discount log2(rank + 1), ideal from the qrels); like MTEB, a hit whose document id equals the query id is skipped (SciFact's " +
            "numeric ids overlap); the score without that rule is shown too. Recall@100 as BEIR.");
        report.AppendLine();
        report.AppendLine("| Model | max tokens | nDCG@10 | MTEB | difference | nDCG@10 keeping identical ids | Recall@100 | documents truncated | corpus time |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var q in quality)
        {
            var target = q.Target is { } t ? $"{t:0.00000}" : "–";
            var difference = q.Target is { } u ? $"{q.Ndcg10 - u:+0.00000;-0.00000} ({(Math.Abs(q.Ndcg10 - u) <= 0.005 ? "within 0.005" : "OUTSIDE 0.005")})" : "–";
            report.AppendLine($"| {q.Model} | {q.MaxTokens} | {q.Ndcg10:0.00000} | {target} | {difference} | {q.Ndcg10KeepingIdenticalIds:0.00000} | {q.Recall100:0.0000} | {q.TruncatedDocuments} | {q.CorpusTime.TotalSeconds:0} s ({data.Corpus.Count / q.CorpusTime.TotalSeconds:0.0} docs/s) |");
        }

        foreach (var (model, tokens) in sciFactRuns.Skip(quality.Count))
        {
            report.AppendLine($"| {model} | {tokens} | not run yet | | | | | | |");
        }

        report.AppendLine();
        if (Int8Verdict() is { } verdict)
        {
            report.AppendLine(verdict);
            report.AppendLine();
        }
    }

    return report.ToString();
}

// int8 against FP32 at the same token limit, from this run: quality from SciFact, speed from the interleaved rounds.
string? Int8Verdict()
{
    var int8 = quality.FirstOrDefault(q => q.Model == LocalModelCatalog.Int8ModelName);
    var fp32 = int8 is null ? null : quality.FirstOrDefault(q => q.Model == LocalModelCatalog.DefaultModelName && q.MaxTokens == int8.MaxTokens);
    if (int8 is null || fp32 is null)
    {
        return null;
    }

    var drop = fp32.Ndcg10 - int8.Ndcg10;
    var line = $"- **int8 vs FP32** ({int8.MaxTokens} tokens): nDCG@10 {int8.Ndcg10:0.00000} vs {fp32.Ndcg10:0.00000}, {-drop:+0.00000;-0.00000} " +
        $"(target: at most 0.005 lower: {(drop <= 0.005 ? "met" : "NOT met")}); SciFact corpus {fp32.CorpusTime.TotalSeconds / int8.CorpusTime.TotalSeconds:0.00}× as fast (not interleaved)";
    var fast = speed.FirstOrDefault(s => s.Name == "MixtralPS provider, int8");
    var slow = speed.FirstOrDefault(s => s.Name == "MixtralPS provider");
    if (fast is not null && slow is not null)
    {
        var ratio = fast.BestPerSecond / slow.BestPerSecond;
        line += $"; chunks/s {ratio:0.00}× (target ≥ 1.8×: {(ratio >= 1.8 ? "met" : "NOT met")}). " +
            (drop <= 0.005 && ratio >= 1.8 ? "Both met." : "Not both met: FP32 stays the default.");
    }

    return line;
}

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
