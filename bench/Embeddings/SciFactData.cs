using System.Text.Json;

namespace MixtralPS.Bench.Embeddings;

/// <summary>BEIR SciFact as laid out in shared/data/scifact (never copied into the repository).</summary>
internal sealed class SciFactData
{
    private SciFactData(string directory, List<(string Id, string Text)> corpus, List<(string Id, string Text)> queries, Dictionary<string, Dictionary<string, int>> qrels)
    {
        Directory = directory;
        Corpus = corpus;
        Queries = queries;
        Qrels = qrels;
    }

    public string Directory { get; }

    /// <summary>Documents as MTEB embeds them: title + " " + text.</summary>
    public List<(string Id, string Text)> Corpus { get; }

    /// <summary>The test queries: those with judgments in qrels/test.tsv.</summary>
    public List<(string Id, string Text)> Queries { get; }

    /// <summary>query id → (document id → relevance grade).</summary>
    public Dictionary<string, Dictionary<string, int>> Qrels { get; }

    /// <summary>The --data folder, or shared/data/scifact found by walking up from here and from the executable.</summary>
    public static string? Locate(string? explicitDirectory)
    {
        if (explicitDirectory is not null)
        {
            return System.IO.Directory.Exists(explicitDirectory) ? Path.GetFullPath(explicitDirectory) : null;
        }

        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data", "scifact");
                if (File.Exists(Path.Combine(candidate, "corpus.jsonl")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    public static SciFactData Load(string directory)
    {
        var qrels = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(directory, "qrels", "test.tsv")).Skip(1))
        {
            var fields = line.Split('\t');
            if (fields.Length < 3)
            {
                continue;
            }

            if (!qrels.TryGetValue(fields[0], out var judged))
            {
                qrels[fields[0]] = judged = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            judged[fields[1]] = int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture);
        }

        var corpus = new List<(string, string)>();
        foreach (var line in File.ReadLines(Path.Combine(directory, "corpus.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var title = root.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "";
            var text = root.GetProperty("text").GetString() ?? "";
            corpus.Add((root.GetProperty("_id").GetString()!, (title + " " + text).Trim()));
        }

        var queries = new List<(string, string)>();
        foreach (var line in File.ReadLines(Path.Combine(directory, "queries.jsonl")))
        {
            using var doc = JsonDocument.Parse(line);
            var id = doc.RootElement.GetProperty("_id").GetString()!;
            if (qrels.ContainsKey(id))
            {
                queries.Add((id, doc.RootElement.GetProperty("text").GetString()!));
            }
        }

        return new SciFactData(directory, corpus, queries, qrels);
    }

    /// <summary>Consecutive 512-character pieces of the abstracts (the speed test's input).</summary>
    public IReadOnlyList<string> Chunks(int count, int length = 512)
    {
        var chunks = new List<string>(count);
        foreach (var (_, text) in Corpus)
        {
            for (var start = 0; start + length <= text.Length && chunks.Count < count; start += length)
            {
                chunks.Add(text.Substring(start, length));
            }

            if (chunks.Count == count)
            {
                break;
            }
        }

        return chunks;
    }
}
