using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MixtralPS.Core.Embeddings;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;
using MixtralPS.Core.Rag.Stores.Folder;

namespace MixtralPS.Bench.Rag;

/// <summary>
/// An index of many chunks written straight through the public writer API (RagIndexWriter.Replace, then Complete
/// for the HNSW graph). Texts are SciFact sentences (pairs of them once the single sentences run out), so
/// materialised results have realistic sizes. Vectors: random unit vectors (no embedding time, and the hardest
/// case for a graph: no neighbourhood structure at all), or the texts embedded with the module's local model in
/// New-RagIndex's batches (what a user's index holds, at the price of embedding every chunk).
/// </summary>
internal static class SyntheticIndex
{
    public const int Dimensions = 384;

    public static object Write(string folder, int chunkCount, int perDocument, string? sciFactDirectory, int seed, string? embedWithModule)
    {
        var texts = Texts(chunkCount, sciFactDirectory);
        using var provider = embedWithModule is null ? null : new OnnxEmbeddingProvider(embedWithModule);
        var embedSeconds = 0.0;
        var settings = new RagIndexSettings
        {
            // The cmdlet's defaults, so Find-RagContext embeds queries with the model the index names.
            EmbeddingModel = "all-MiniLM-L6-v2",
            Dimensions = Dimensions,
            MaxTokens = 256,
            Chunker = "Recursive",
            ChunkSize = 512,
            ChunkOverlap = 64,
        };

        var random = new Random(seed);
        var writeClock = Stopwatch.StartNew();
        using var writer = RagStores.OpenWriter(folder, settings, rebuild: true, TimeSpan.FromSeconds(30), CancellationToken.None);
        var documents = 0;
        for (var first = 0; first < chunkCount; first += perDocument)
        {
            var count = Math.Min(perDocument, chunkCount - first);
            var records = new List<ChunkRecord>(count);
            var offset = 0;
            var embedClock = Stopwatch.StartNew();
            var embedded = provider?.Embed(texts.GetRange(first, count), EmbeddingPurpose.Document);
            embedSeconds += embedClock.Elapsed.TotalSeconds;
            for (var j = 0; j < count; j++)
            {
                var text = texts[first + j];
                var vector = embedded is null ? RandomUnitVector(random) : embedded[j].Vector;
                var tokens = embedded is null ? text.Length / 4 + 2 : embedded[j].TokenCount;
                records.Add(new ChunkRecord(j, offset, text.Length, text, tokens, vector));
                offset += text.Length + 1;
            }

            var source = $"synthetic/document-{documents:D6}.txt";
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source)));
            writer.Write(new DocumentRecord(source, hash, offset, null, "text", "utf-8"), records);
            documents++;
            if (documents % 200 == 0)
            {
                Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] synthetic: {first + count:N0} chunks written");
            }
        }

        var writeSeconds = writeClock.Elapsed.TotalSeconds;
        var graphClock = Stopwatch.StartNew();
        writer.CompleteAsync(CancellationToken.None).GetAwaiter().GetResult();
        var graphSeconds = graphClock.Elapsed.TotalSeconds;
        var chunks = writer.ChunkCountAsync(CancellationToken.None).GetAwaiter().GetResult();
        var graphFile = ((FolderIndexLocation)writer.Location).Paths.VectorFiles().Single().Path;
        return new Dictionary<string, object>
        {
            ["chunks"] = chunks,
            ["documents"] = documents,
            ["vectors"] = provider is null ? "random" : "embedded",
            ["embedSeconds"] = embedSeconds,
            ["writeSeconds"] = writeSeconds - embedSeconds,
            ["graphSeconds"] = graphSeconds,
            ["databaseBytes"] = new FileInfo(((FolderIndexLocation)writer.Location).Paths.Database).Length,
            ["graphBytes"] = new FileInfo(graphFile).Length,
            ["distinctTexts"] = texts.Take(chunkCount).Distinct(StringComparer.Ordinal).Count(),
            ["meanTextChars"] = texts.Take(chunkCount).Average(t => t.Length),
        };
    }

    private static float[] RandomUnitVector(Random random)
    {
        var vector = new float[Dimensions];
        double norm = 0;
        for (var i = 0; i < Dimensions; i += 2)
        {
            // Box-Muller: two Gaussian samples per pair of uniforms, so directions are uniform on the sphere.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var r = Math.Sqrt(-2.0 * Math.Log(u1));
            vector[i] = (float)(r * Math.Cos(2 * Math.PI * u2));
            vector[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
            norm += vector[i] * vector[i] + vector[i + 1] * vector[i + 1];
        }

        var scale = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < Dimensions; i++)
        {
            vector[i] *= scale;
        }

        return vector;
    }

    /// <summary>SciFact sentences, then pairs of them; numbered filler when no SciFact folder is given.</summary>
    internal static List<string> Texts(int count, string? sciFactDirectory)
    {
        var sentences = new List<string>();
        if (sciFactDirectory is not null)
        {
            var splitter = new Regex(@"(?<=[.!?])\s+(?=[A-Z0-9(])", RegexOptions.Compiled);
            foreach (var line in File.ReadLines(Path.Combine(sciFactDirectory, "corpus.jsonl")))
            {
                using var doc = JsonDocument.Parse(line);
                var text = doc.RootElement.GetProperty("text").GetString() ?? "";
                sentences.AddRange(splitter.Split(text).Select(s => s.Trim()).Where(s => s.Length >= 20));
            }

            sentences = sentences.Distinct(StringComparer.Ordinal).ToList();
        }

        if (sentences.Count == 0)
        {
            sentences.AddRange(Enumerable.Range(0, 1000).Select(i => string.Create(CultureInfo.InvariantCulture, $"Synthetic sentence number {i} about topic {i % 37} and method {i % 11}.")));
        }

        var texts = new List<string>(count);
        texts.AddRange(sentences.Take(count));
        for (var i = 0; texts.Count < count; i++)
        {
            // Pairs (i, i + step) with a step that changes every round, so texts stay distinct.
            var step = 1 + i / sentences.Count;
            texts.Add(sentences[i % sentences.Count] + " " + sentences[(i + step) % sentences.Count]);
        }

        return texts;
    }
}
