using System.Diagnostics;
using MixtralPS.Core.Index;

namespace MixtralPS.Bench.Ann;

/// <summary>One graph configuration to build: scalar type and connectivity (the search-time expansions are swept on it).</summary>
internal sealed record GraphConfig(bool HalfPrecision, int Connectivity, int ExpansionAdd)
{
    public string Precision => HalfPrecision ? "f16" : "f32";
}

internal sealed record BuildResult(
    GraphConfig Config, int Threads, TimeSpan Build, TimeSpan Save, long FileBytes, long MemoryBytes, TimeSpan Load, TimeSpan View, string Acceleration)
{
    public double VectorsPerSecond(int size) => size / Build.TotalSeconds;
}

/// <summary>Recall@k and single-threaded query speed of one index opened one way with one expansion.</summary>
/// <param name="Lost">Queries that found fewer than half of their true ten: a search stuck in the wrong cluster rather than a near miss.</param>
internal sealed record QueryResult(GraphConfig Config, string Opened, int ExpansionSearch, double Recall, double QueriesPerSecond, double P50Ms, double P99Ms, int Lost);

internal sealed record SizeResult(
    string Data,
    int Size,
    int Queries,
    TimeSpan Generate,
    double ExactQueriesPerSecond,
    double ExactP50Ms,
    IReadOnlyList<BuildResult> Builds,
    IReadOnlyList<QueryResult> Searches);

/// <summary>Everything measured at one collection size: exact baseline, then per graph configuration build, save, open and search.</summary>
internal static class AnnBenchmark
{
    public const int K = 10;

    public static SizeResult Run(
        ClusteredVectors generator,
        int size,
        int queryCount,
        IReadOnlyList<GraphConfig> configs,
        IReadOnlyList<int> expansions,
        int threads,
        string workDirectory,
        Action<string> progress)
    {
        var dimensions = generator.Dimensions;
        var clock = Stopwatch.StartNew();
        var data = generator.Sample(size, stream: 1);
        var queries = generator.Sample(queryCount, stream: 2);
        var generate = clock.Elapsed;
        progress($"{size:N0} × {dimensions} vectors and {queryCount} queries generated in {generate.TotalSeconds:0.0} s");

        var keys = new ulong[size];
        for (var i = 0; i < size; i++)
        {
            keys[i] = (ulong)i;
        }

        var builds = new List<BuildResult>();
        var searches = new List<QueryResult>();
        int[][]? truth = null;
        var exactTimes = Array.Empty<double>();
        var exactQps = double.NaN;
        foreach (var config in configs)
        {
            // Built and loaded with the default search expansion; every expansion of the sweep is then measured on views.
            var settings = new HnswSettings(config.Connectivity, config.ExpansionAdd, HnswSettings.Default.ExpansionSearch, threads, config.HalfPrecision);
            var path = Path.Combine(workDirectory, $"ann-{size}-{config.Precision}-m{config.Connectivity}-ef{config.ExpansionAdd}.usearch");
            TimeSpan build, save;
            long memory;
            string acceleration;
            using (var index = HnswIndex.Create(dimensions, settings))
            {
                progress($"building {config.Precision}, M={config.Connectivity}, ef_add={config.ExpansionAdd} on {settings.EffectiveThreads} threads");
                clock.Restart();
                index.AddRange(keys, data, new StepProgress(size, progress));
                build = clock.Elapsed;
                memory = index.MemoryUsage;
                acceleration = index.HardwareAcceleration;
                clock.Restart();
                index.Save(path);
                save = clock.Elapsed;
            }

            var fileBytes = new FileInfo(path).Length;
            progress($"built in {build.TotalSeconds:0.0} s ({size / build.TotalSeconds:N0} vectors/s), saved {fileBytes / 1e6:0.0} MB in {save.TotalSeconds:0.00} s");

            // Opening: Load reads the whole file into memory; View maps it (the page cache is warm: the file was just written).
            clock.Restart();
            var loaded = HnswIndex.Load(path, settings, dimensions);
            var load = clock.Elapsed;
            clock.Restart();
            var viewed = HnswIndex.View(path, settings, dimensions);
            var view = clock.Elapsed;
            viewed.Dispose();
            using (loaded)
            {
                Check(loaded, size);
                builds.Add(new BuildResult(config, settings.EffectiveThreads, build, save, fileBytes, memory, load, view, acceleration));
                if (truth is null)
                {
                    // The headline comparison: exact scan and HNSW query by query, alternately, so that other work on
                    // the machine (it varies over minutes) weighs on both alike. The exact results are the ground truth.
                    (truth, exactTimes, var first) = Interleaved(loaded, config, loaded.ExpansionSearch, data, queries, dimensions);
                    exactQps = queryCount / (exactTimes.Sum() / 1000);
                    progress($"exact scan: {exactQps:0.0} queries/s; HNSW (defaults, loaded) {first.QueriesPerSecond:N0} queries/s, recall@{K} {first.Recall:0.0000} ({first.Lost} lost), {first.QueriesPerSecond / exactQps:0.0}× exact");
                    searches.Add(first);
                }
                else
                {
                    searches.Add(Measure(loaded, "Load", config, loaded.ExpansionSearch, queries, dimensions, truth));
                }
            }

            foreach (var expansion in expansions)
            {
                // Views: reopening costs milliseconds, so each expansion gets its own.
                using var index = HnswIndex.View(path, settings with { ExpansionSearch = expansion }, dimensions);
                var result = Measure(index, "View", config, expansion, queries, dimensions, truth);
                searches.Add(result);
                progress($"  {config.Precision} M={config.Connectivity} ef_add={config.ExpansionAdd}, ef={expansion}: recall@{K} {result.Recall:0.0000} ({result.Lost} lost), {result.QueriesPerSecond:N0} queries/s ({result.QueriesPerSecond / exactQps:0.0}× exact)");
            }

            File.Delete(path);
        }

        return new SizeResult(generator.Rank == 0 ? "isotropic" : $"low-rank (r = {generator.Rank})", size, queryCount, generate, exactQps, Median(exactTimes), builds, searches);
    }

    /// <summary>Per query: the exact scan (timed; its answer is the truth), then the HNSW search (timed, scored).</summary>
    private static (int[][] Truth, double[] ExactTimes, QueryResult Result) Interleaved(
        HnswIndex index, GraphConfig config, int expansion, float[] data, float[] queries, int dimensions)
    {
        var count = queries.Length / dimensions;
        for (var i = 0; i < Math.Min(3, count); i++)
        {
            ExactSearch.TopK(data, dimensions, Query(queries, dimensions, i), K);
            index.Search(Query(queries, dimensions, i), K);
        }

        var truth = new int[count][];
        var exactTimes = new double[count];
        var times = new double[count];
        var hits = new int[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            truth[i] = ExactSearch.TopK(data, dimensions, Query(queries, dimensions, i), K);
            exactTimes[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            start = Stopwatch.GetTimestamp();
            var found = index.Search(Query(queries, dimensions, i), K);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            hits[i] = Hits(found, truth[i]);
        }

        return (truth, exactTimes, Result(config, "Load", expansion, hits, times));
    }

    private static QueryResult Measure(
        HnswIndex index, string opened, GraphConfig config, int expansion, float[] queries, int dimensions, int[][] truth)
    {
        var count = truth.Length;
        for (var i = 0; i < Math.Min(20, count); i++)
        {
            index.Search(Query(queries, dimensions, i), K);
        }

        var times = new double[count];
        var hits = new int[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var found = index.Search(Query(queries, dimensions, i), K);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            hits[i] = Hits(found, truth[i]);
        }

        return Result(config, opened, expansion, hits, times);
    }

    private static int Hits(IReadOnlyList<(ulong Key, float Similarity)> found, int[] truth) =>
        found.Count(f => Array.IndexOf(truth, (int)f.Key) >= 0);

    private static QueryResult Result(GraphConfig config, string opened, int expansion, int[] hits, double[] times)
    {
        var count = times.Length;
        var sorted = times.Order().ToArray();
        return new QueryResult(
            config, opened, expansion, hits.Sum() / (double)(count * K), count / (times.Sum() / 1000), Median(times), sorted[(int)Math.Ceiling(0.99 * count) - 1], hits.Count(h => h < K / 2));
    }

    private static void Check(HnswIndex index, int size)
    {
        if (index.Count != size)
        {
            throw new InvalidOperationException($"The loaded index holds {index.Count} vectors, not {size}.");
        }
    }

    private static ReadOnlySpan<float> Query(float[] queries, int dimensions, int i) => queries.AsSpan(i * dimensions, dimensions);

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>A line every tenth of the way: a 1,000,000-vector build takes minutes.</summary>
    private sealed class StepProgress(int total, Action<string> progress) : IProgress<int>
    {
        private int _reported;

        public void Report(int value)
        {
            var tenth = (int)(10L * value / total);
            if (tenth > Volatile.Read(ref _reported) && Interlocked.Exchange(ref _reported, tenth) < tenth)
            {
                progress($"  {value:N0} / {total:N0} added");
            }
        }
    }
}
