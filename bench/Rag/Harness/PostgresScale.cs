using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MixtralPS.Bench.Ann;
using MixtralPS.Core.Embeddings;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;
using Npgsql;

namespace MixtralPS.Bench.Rag;

/// <summary>
/// A database index of N chunks written through the store API (RagStores.OpenWriterAsync: binary COPY of chunks and
/// postings, one transaction per batch; CompleteAsync builds the HNSW index), and optionally a folder index of the
/// very same chunks; then queries through RagIndexReader (what Find-RagContext runs once the question is embedded),
/// timed per call, and recall@10 of the vector half against an exact scan of the same vectors.
/// Vectors: bench/Ann's clustered synthetic vectors (1,000 centres, low-rank noise of rank 32: variation within a
/// topic of low intrinsic dimension, as in text embeddings), queries from another stream of the same generator.
/// Texts: SciFact sentences (pairs past the ~50,000 single ones), so the postings and result sizes are realistic.
/// </summary>
internal static class PostgresScale
{
    internal sealed record Options(string Connection, string Name, int Chunks, string? Folder, int Queries, int ExactQueries, string? Data, bool HalfVec, string? Module, int[]? EfSweep = null);

    internal const int Dimensions = SyntheticIndex.Dimensions;
    private const int PerDocument = 100;
    private const int DocumentsPerBatch = 10;
    private const int WarmUp = 20;

    public static object Measure(Options o) => MeasureAsync(o).GetAwaiter().GetResult();

    private static async Task<object> MeasureAsync(Options o)
    {
        var ct = CancellationToken.None;
        var result = new Dictionary<string, object> { ["chunks"] = o.Chunks, ["dimensions"] = Dimensions };
        var generator = new ClusteredVectors(Dimensions, clusters: 1000, noise: 0.05f, rank: 32, seed: 20_240_601);
        result["vectors"] = "clustered synthetic, 1,000 centres, " + generator.Describe();
        var clock = Stopwatch.StartNew();
        var vectors = generator.Sample(o.Chunks, stream: 0);
        var queries = generator.Sample(o.Queries, stream: 1);
        var texts = SyntheticIndex.Texts(o.Chunks, o.Data);
        var questions = Questions(o.Queries, o.Data);
        Log($"{o.Chunks:N0} vectors and texts made in {clock.Elapsed.TotalSeconds:0.0} s");

        var settings = new RagIndexSettings
        {
            EmbeddingModel = "all-MiniLM-L6-v2", Dimensions = Dimensions, MaxTokens = 256, Chunker = "Recursive", ChunkSize = 512, ChunkOverlap = 64,
        };
        var database = RagIndexLocation.Postgres(o.Connection, o.Name);
        result["postgres"] = await BuildAsync(database, settings, vectors, texts, ct);
        if (o.Folder is not null)
        {
            result["folder"] = await BuildAsync(RagIndexLocation.Folder(o.Folder), settings, vectors, texts, ct);
        }

        var exact = new int[Math.Min(o.ExactQueries, o.Queries)][];
        clock.Restart();
        for (var q = 0; q < exact.Length; q++)
        {
            exact[q] = ExactSearch.TopK(vectors, Dimensions, queries.AsSpan(q * Dimensions, Dimensions), 10);
        }

        result["exactScanMs"] = clock.Elapsed.TotalMilliseconds / Math.Max(1, exact.Length);
        Log($"exact top 10 of {exact.Length} queries in {clock.Elapsed.TotalSeconds:0.0} s");

        // Queried alternately, so that whatever else runs on the machine weighs on both stores alike.
        var stores = new List<(string Name, RagIndexReader Reader)> { ("postgres", await RagIndexReader.OpenAsync(database, ct)) };
        if (o.Folder is not null)
        {
            stores.Add(("folder", await RagIndexReader.OpenAsync(RagIndexLocation.Folder(o.Folder), ct)));
        }

        try
        {
            var times = stores.ToDictionary(s => s.Name, _ => (Vector: new List<double>(), Hybrid: new List<double>(), Nearest: new List<double>(), WithEmbedding: new List<double>()));
            var hits = stores.ToDictionary(s => s.Name, _ => new int[exact.Length][]);
            // Find-RagContext embeds the question first, the same work whatever the store: timed once per query and
            // added to each store's vector search, for the call's whole cost (the vectors searched stay the synthetic ones).
            using var model = o.Module is null ? null : new OnnxEmbeddingProvider(o.Module);
            for (var round = 0; round < 2; round++)
            {
                for (var q = 0; q < (round == 0 ? Math.Min(WarmUp, o.Queries) : o.Queries); q++)
                {
                    var vector = queries.AsSpan(q * Dimensions, Dimensions).ToArray();
                    var embedTimer = Stopwatch.StartNew();
                    model?.Embed([questions[q]], EmbeddingPurpose.Query);
                    var embedMs = embedTimer.Elapsed.TotalMilliseconds;
                    foreach (var (name, reader) in stores)
                    {
                        var timer = Stopwatch.StartNew();
                        var found = await reader.SearchAsync(new RagQuery(questions[q], vector, 10, RetrievalMode.Vector), null, ct);
                        var vectorMs = timer.Elapsed.TotalMilliseconds;
                        timer.Restart();
                        await reader.SearchAsync(new RagQuery(questions[q], vector, 10, RetrievalMode.Hybrid), null, ct);
                        var hybridMs = timer.Elapsed.TotalMilliseconds;
                        timer.Restart();
                        await reader.Store.NearestAsync(vector, 10, null, ct);
                        var nearestMs = timer.Elapsed.TotalMilliseconds;
                        if (round == 1)
                        {
                            times[name].Nearest.Add(nearestMs);
                            times[name].WithEmbedding.Add(embedMs + vectorMs);
                            times[name].Vector.Add(vectorMs);
                            times[name].Hybrid.Add(hybridMs);
                            if (q < exact.Length)
                            {
                                hits[name][q] = found.Select(c => RowOf(c.Source, c.Ordinal)).ToArray();
                            }
                        }
                    }
                }
            }

            foreach (var (name, _) in stores)
            {
                result[name + "Query"] = new Dictionary<string, object>
                {
                    ["vectorP50Ms"] = Percentile(times[name].Vector, 50),
                    ["vectorP99Ms"] = Percentile(times[name].Vector, 99),
                    ["hybridP50Ms"] = Percentile(times[name].Hybrid, 50),
                    ["hybridP99Ms"] = Percentile(times[name].Hybrid, 99),
                    ["nearestP50Ms"] = Percentile(times[name].Nearest, 50),
                    ["withEmbeddingP50Ms"] = o.Module is null ? 0 : Percentile(times[name].WithEmbedding, 50),
                    ["recallAt10"] = Recall(hits[name], exact),
                };
            }
        }
        finally
        {
            foreach (var (_, reader) in stores)
            {
                reader.Dispose();
            }
        }

        result["roundTripP50Ms"] = await PostgresBareSql.RoundTripAsync(o.Connection, ct);
        if (o.EfSweep is { Length: > 0 })
        {
            result["efSweep"] = await PostgresBareSql.EfSweepAsync(o, queries, exact, ct);
        }

        if (o.HalfVec)
        {
            result["halfvec"] = await PostgresBareSql.HalfVecAsync(o, queries, exact, ct);
        }

        return result;
    }

    private static async Task<Dictionary<string, object>> BuildAsync(
        RagIndexLocation location, RagIndexSettings settings, float[] vectors, List<string> texts, CancellationToken ct)
    {
        var count = texts.Count;
        var clock = Stopwatch.StartNew();
        using var writer = await RagStores.OpenWriterAsync(location, settings, rebuild: true, TimeSpan.FromSeconds(30), ct);
        var batch = new List<DocumentWrite>(DocumentsPerBatch);
        for (var first = 0; first < count; first += PerDocument)
        {
            var records = new List<ChunkRecord>(PerDocument);
            var offset = 0;
            for (var row = first; row < Math.Min(count, first + PerDocument); row++)
            {
                var text = texts[row];
                records.Add(new ChunkRecord(row - first, offset, text.Length, text, text.Length / 4 + 2, vectors.AsSpan(row * Dimensions, Dimensions).ToArray()));
                offset += text.Length + 1;
            }

            var source = SourceOf(first / PerDocument);
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source)));
            batch.Add(new DocumentWrite(new DocumentRecord(source, hash, offset, null, "text", "utf-8"), records));
            if (batch.Count == DocumentsPerBatch || first + PerDocument >= count)
            {
                await writer.WriteAsync(batch, ct);
                batch = new List<DocumentWrite>(DocumentsPerBatch);
            }

            if ((first / PerDocument) % 1000 == 999)
            {
                Log($"{location.GetType().Name}: {first + PerDocument:N0} chunks written ({clock.Elapsed.TotalSeconds:0} s)");
            }
        }

        var writeSeconds = clock.Elapsed.TotalSeconds;
        Log($"{location.GetType().Name}: {count:N0} chunks written in {writeSeconds:0.0} s; building the vector index");
        clock.Restart();
        await writer.CompleteAsync(ct);
        var completeSeconds = clock.Elapsed.TotalSeconds;
        Log($"{location.GetType().Name}: vector index built in {completeSeconds:0.0} s");
        return new Dictionary<string, object>
        {
            ["writeSeconds"] = writeSeconds,
            ["completeSeconds"] = completeSeconds,
            ["storedChunks"] = await writer.ChunkCountAsync(ct),
        };
    }

    internal static string SourceOf(int document) => $"synthetic/document-{document:D6}.txt";

    internal static int RowOf(string source, int ordinal) =>
        int.Parse(source.AsSpan("synthetic/document-".Length, 6), provider: System.Globalization.CultureInfo.InvariantCulture) * PerDocument + ordinal;

    internal static double Recall(int[][] found, int[][] exact)
    {
        var total = 0.0;
        for (var q = 0; q < exact.Length; q++)
        {
            total += found[q].Intersect(exact[q]).Count() / (double)exact[q].Length;
        }

        return total / Math.Max(1, exact.Length);
    }

    internal static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        var pos = (sorted.Length - 1) * p / 100;
        var lo = (int)Math.Floor(pos);
        var hi = (int)Math.Ceiling(pos);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (pos - lo));
    }

    /// <summary>SciFact's claims as the questions of the keyword half (the vectors are synthetic either way).</summary>
    private static List<string> Questions(int count, string? sciFactDirectory)
    {
        var claims = sciFactDirectory is null
            ? ["synthetic topic method"]
            : File.ReadLines(Path.Combine(sciFactDirectory, "queries.jsonl")).Select(l =>
            {
                using var doc = JsonDocument.Parse(l);
                return doc.RootElement.GetProperty("text").GetString()!;
            }).ToList();
        return Enumerable.Range(0, count).Select(i => claims[i % claims.Count]).ToList();
    }

    internal static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] pg-scale: {message}");
}
