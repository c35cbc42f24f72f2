using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MixtralPS.Bench.Rag;

// Usage:
//   dotnet bench/Rag/Harness/bin/Release/net10.0/MixtralPS.Bench.Rag.dll synthetic --index DIR --chunks N
//       [--per-document M] [--data SCIFACT_DIR] [--seed S] [--embed-module MODULE_DIR] --out FILE.json
//   ... other-costs --corpus DIR --reference INDEX_DIR --index DIR --module MODULE_DIR --out FILE.json
//   ... pg-ingest --items FILE.jsonl --reference INDEX_DIR --name NAME --module MODULE_DIR --out FILE.json
//   ... pg-scale --chunks N [--folder DIR] [--name NAME] [--queries Q] [--exact-queries E] [--data SCIFACT_DIR] [--halfvec true] [--module MODULE_DIR] [--ef-sweep 128,256,...] --out FILE.json
// The pg-* commands take the database's connection string from $env:MIXTRALPS_RAG_CONNECTION (never a command line).
// Exit codes: 0 done, 1 failed, 2 bad arguments. Progress goes to stderr, figures to the --out JSON file.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length == 0)
{
    Console.Error.WriteLine("MixtralPS.Bench.Rag: give a command: synthetic or other-costs.");
    return 2;
}

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"MixtralPS.Bench.Rag: unexpected argument '{args[i]}'.");
        return 2;
    }

    options[args[i][2..]] = args[++i];
}

string Required(string name) => options.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required.");
string Connection() => Environment.GetEnvironmentVariable("MIXTRALPS_RAG_CONNECTION") is { Length: > 0 } cs ? cs : throw new ArgumentException("set $env:MIXTRALPS_RAG_CONNECTION.");
int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

try
{
    var clock = Stopwatch.StartNew();
    object result = args[0] switch
    {
        "synthetic" => SyntheticIndex.Write(
            Required("index"), Int("chunks", 100_000), Int("per-document", 100), options.GetValueOrDefault("data"), Int("seed", 1), options.GetValueOrDefault("embed-module")),
        "other-costs" => OtherCosts.Measure(Required("corpus"), Required("reference"), Required("index"), Required("module")),
        "pg-ingest" => PostgresIngest.Measure(Required("items"), Required("reference"), Connection(), Required("name"), Required("module")),
        "pg-scale" => PostgresScale.Measure(new PostgresScale.Options(
            Connection(), options.GetValueOrDefault("name", "scale"), Int("chunks", 100_000), options.GetValueOrDefault("folder"), Int("queries", 300),
            Int("exact-queries", 300), options.GetValueOrDefault("data"), options.GetValueOrDefault("halfvec") == "true", options.GetValueOrDefault("module"),
            options.TryGetValue("ef-sweep", out var sweep) ? sweep.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray() : null)),
        _ => throw new ArgumentException($"unknown command '{args[0]}'"),
    };
    File.WriteAllText(Required("out"), JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true, IncludeFields = true }));
    Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {args[0]} done in {clock.Elapsed.TotalSeconds:0.0} s");
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"MixtralPS.Bench.Rag: {e.Message}");
    return 2;
}
catch (Exception e)
{
    Console.Error.WriteLine($"MixtralPS.Bench.Rag failed: {e}");
    return 1;
}
