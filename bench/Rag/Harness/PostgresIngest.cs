using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MixtralPS.Core.Chunking;
using MixtralPS.Core.Embeddings;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;
using MixtralPS.Core.Rag.Stores.Folder;

namespace MixtralPS.Bench.Rag;

/// <summary>
/// What New-RagIndex spends on a database index outside the embedding model: the same items (Source, Text) through
/// the same RagIngestor (chunking with the model's token count, batches of 64 chunks, one transaction per batch,
/// binary COPY, postings of the analyzer, then CompleteAsync's HNSW build and ANALYZE), with the model replaced by a
/// lookup of the vectors a real cmdlet run of the same texts stored in the folder index <c>reference</c>.
/// </summary>
internal static class PostgresIngest
{
    public static object Measure(string itemsFile, string reference, string connectionString, string name, string moduleDirectory)
    {
        var referenceDb = Path.Combine(reference, RagIndexPaths.DatabaseFileName);
        var meta = OtherCosts.ReadMeta(referenceDb);
        var vectors = OtherCosts.ReadVectors(referenceDb);
        var items = File.ReadLines(itemsFile).Where(l => l.Length > 0).Select(l =>
        {
            using var doc = JsonDocument.Parse(l);
            return (Source: doc.RootElement.GetProperty("Source").GetString()!, Text: doc.RootElement.GetProperty("Text").GetString()!);
        }).ToList();
        Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] pg-ingest: {items.Count:N0} items, {vectors.Count:N0} stored vectors");

        var loadClock = Stopwatch.StartNew();
        using var model = new OnnxEmbeddingProvider(moduleDirectory, meta["embedding_model"], int.Parse(meta["max_tokens"], CultureInfo.InvariantCulture));
        var modelLoadSeconds = loadClock.Elapsed.TotalSeconds;
        var settings = new RagIndexSettings
        {
            EmbeddingModel = model.Model,
            Dimensions = model.Dimensions,
            MaxTokens = model.MaxTokens,
            Chunker = meta["chunker"],
            ChunkSize = int.Parse(meta["chunk_size"], CultureInfo.InvariantCulture),
            ChunkOverlap = int.Parse(meta["chunk_overlap"], CultureInfo.InvariantCulture),
        };

        // NewRagIndexCommand.TokenCounter, verbatim (as OtherCosts).
        Func<string, int> tokens = text => model.Tokenizer.Tokenize(model.ModelInfo.DocumentPrefix + text).Count + 2;
        var chunker = new OtherCosts.TimedChunker(settings.Chunker == "Fixed"
            ? new FixedChunker(settings.ChunkSize, tokens, settings.MaxTokens)
            : new RecursiveChunker(settings.ChunkSize, settings.ChunkOverlap, tokens, settings.MaxTokens));
        var embedder = new OtherCosts.LookupEmbedder(vectors, model);

        var ct = CancellationToken.None;
        var total = Stopwatch.StartNew();
        using var writer = RagStores.OpenWriterAsync(RagIndexLocation.Postgres(connectionString, name), settings, rebuild: true, TimeSpan.FromSeconds(30), ct).GetAwaiter().GetResult();
        var openSeconds = total.Elapsed.TotalSeconds;
        var ingestor = new RagIngestor(writer, embedder, chunker);
        var add = new Stopwatch();
        var chunks = 0;
        foreach (var (source, text) in items)
        {
            add.Start();
            var pending = ingestor.PrepareAsync(source, text, ct).GetAwaiter().GetResult();
            chunks += ingestor.AddAsync(pending, ct).GetAwaiter().GetResult().Sum(r => r.Chunks);
            add.Stop();
        }

        add.Start();
        chunks += ingestor.FlushAsync(ct).GetAwaiter().GetResult().Sum(r => r.Chunks);
        add.Stop();
        var completeClock = Stopwatch.StartNew();
        writer.CompleteAsync(ct).GetAwaiter().GetResult();
        var completeSeconds = completeClock.Elapsed.TotalSeconds;
        return new Dictionary<string, object>
        {
            ["items"] = items.Count,
            ["chunks"] = chunks,
            ["missingVectors"] = embedder.Missing,
            ["modelLoadSeconds"] = modelLoadSeconds,
            ["openSeconds"] = openSeconds,
            ["chunkSeconds"] = chunker.Clock.Elapsed.TotalSeconds,
            ["lookupSeconds"] = embedder.Clock.Elapsed.TotalSeconds,
            ["storeSeconds"] = add.Elapsed.TotalSeconds - chunker.Clock.Elapsed.TotalSeconds - embedder.Clock.Elapsed.TotalSeconds,
            ["completeSeconds"] = completeSeconds,
            ["totalSeconds"] = total.Elapsed.TotalSeconds,
        };
    }
}
