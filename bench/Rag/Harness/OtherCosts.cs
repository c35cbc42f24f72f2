using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using MixtralPS.Core.Chunking;
using MixtralPS.Core.Embeddings;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Stores;
using MixtralPS.Core.Rag.Stores.Folder;

namespace MixtralPS.Bench.Rag;

/// <summary>
/// Everything New-RagIndex does for a folder except running the embedding model, timed part by part: the
/// same RagIngestor (hash, load, chunk with the model's token count, batches of 64 chunks, one transaction per
/// document) and the same graph build, with the model replaced by a lookup of the vectors that a real run of
/// the cmdlet stored in <c>reference</c>. The PowerShell pipeline (Get-ChildItem, parameter binding, progress)
/// is not in here; it is what remains of the cmdlet's total once this and the embedding are taken out.
/// </summary>
internal static class OtherCosts
{
    public static object Measure(string corpus, string reference, string folder, string moduleDirectory)
    {
        var referenceDb = Path.Combine(reference, RagIndexPaths.DatabaseFileName);
        var meta = ReadMeta(referenceDb);
        var vectors = ReadVectors(referenceDb);
        Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] other-costs: {vectors.Count:N0} distinct chunk texts read from the reference index");

        // The model session (ONNX Runtime + vocabulary), loaded once per process as the cmdlet loads it.
        var loadClock = Stopwatch.StartNew();
        var model = new OnnxEmbeddingProvider(moduleDirectory, meta["embedding_model"], int.Parse(meta["max_tokens"], CultureInfo.InvariantCulture));
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

        // NewRagIndexCommand.TokenCounter, verbatim.
        Func<string, int> tokens = text => model.Tokenizer.Tokenize(model.ModelInfo.DocumentPrefix + text).Count + 2;
        var chunker = new TimedChunker(settings.Chunker == "Fixed"
            ? new FixedChunker(settings.ChunkSize, tokens, settings.MaxTokens)
            : new RecursiveChunker(settings.ChunkSize, settings.ChunkOverlap, tokens, settings.MaxTokens));
        var embedder = new LookupEmbedder(vectors, model);

        var total = Stopwatch.StartNew();
        var openClock = Stopwatch.StartNew();
        using var writer = RagStores.OpenWriter(folder, settings, rebuild: true, TimeSpan.FromSeconds(30), CancellationToken.None);
        var openSeconds = openClock.Elapsed.TotalSeconds;
        var ingestor = new RagIngestor(writer, embedder, chunker);

        var prepare = new Stopwatch();
        var add = new Stopwatch();
        var files = 0;
        var skipped = 0;
        var chunks = 0;
        foreach (var path in Directory.EnumerateFiles(corpus))
        {
            prepare.Start();
            PendingDocument pending;
            try
            {
                pending = ingestor.PrepareAsync(path, (MixtralPS.Core.Ocr.OcrDocumentReader?)null, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (MixtralPS.Core.Documents.DocumentLoadException)
            {
                // New-RagIndex warns and goes on.
                skipped++;
                continue;
            }
            finally
            {
                prepare.Stop();
            }

            add.Start();
            chunks += ingestor.AddAsync(pending, CancellationToken.None).GetAwaiter().GetResult().Sum(r => r.Chunks);
            add.Stop();
            files++;
        }

        add.Start();
        chunks += ingestor.FlushAsync(CancellationToken.None).GetAwaiter().GetResult().Sum(r => r.Chunks);
        add.Stop();

        var graphClock = Stopwatch.StartNew();
        writer.CompleteAsync(CancellationToken.None).GetAwaiter().GetResult();
        var graphSeconds = graphClock.Elapsed.TotalSeconds;
        var totalSeconds = total.Elapsed.TotalSeconds;

        return new Dictionary<string, object>
        {
            ["files"] = files,
            ["skippedFiles"] = skipped,
            ["chunks"] = chunks,
            ["missingVectors"] = embedder.Missing,
            ["modelLoadSeconds"] = modelLoadSeconds,
            ["openSeconds"] = openSeconds,
            ["hashAndLoadSeconds"] = prepare.Elapsed.TotalSeconds,
            ["chunkSeconds"] = chunker.Clock.Elapsed.TotalSeconds,
            ["lookupSeconds"] = embedder.Clock.Elapsed.TotalSeconds,
            ["storeSeconds"] = add.Elapsed.TotalSeconds - chunker.Clock.Elapsed.TotalSeconds - embedder.Clock.Elapsed.TotalSeconds,
            ["graphSeconds"] = graphSeconds,
            ["totalSeconds"] = totalSeconds,
        };
    }

    private static SqliteConnection Open(string database)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    internal static Dictionary<string, string> ReadMeta(string database)
    {
        using var connection = Open(database);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, value FROM meta";
        using var reader = command.ExecuteReader();
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            meta[reader.GetString(0)] = reader.GetString(1);
        }

        return meta;
    }

    internal static Dictionary<string, (float[] Vector, int Tokens)> ReadVectors(string database)
    {
        using var connection = Open(database);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT text, embedding, token_count FROM chunks";
        using var reader = command.ExecuteReader();
        var vectors = new Dictionary<string, (float[], int)>(StringComparer.Ordinal);
        while (reader.Read())
        {
            vectors[reader.GetString(0)] = (MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(1)).ToArray(), reader.GetInt32(2));
        }

        return vectors;
    }

    /// <summary>The chunker New-RagIndex would make, with a stopwatch around it.</summary>
    internal sealed class TimedChunker(IChunker inner) : IChunker
    {
        public Stopwatch Clock { get; } = new();

        public string Name => inner.Name;

        public string Describe() => inner.Describe();

        public IReadOnlyList<TextChunk> Split(string text)
        {
            Clock.Start();
            try
            {
                return inner.Split(text);
            }
            finally
            {
                Clock.Stop();
            }
        }
    }

    /// <summary>Stands in for the model: the vector the real run stored for the same chunk text.</summary>
    internal sealed class LookupEmbedder(Dictionary<string, (float[] Vector, int Tokens)> vectors, OnnxEmbeddingProvider model) : IEmbeddingProvider
    {
        public Stopwatch Clock { get; } = new();

        public int Missing { get; private set; }

        public string Model => model.Model;

        public int Dimensions => model.Dimensions;

        public int MaxTokens => model.MaxTokens;

        public Task<IReadOnlyList<EmbeddingResult>> EmbedAsync(IReadOnlyList<string> texts, EmbeddingPurpose purpose, CancellationToken cancellationToken)
        {
            Clock.Start();
            var results = new EmbeddingResult[texts.Count];
            for (var i = 0; i < texts.Count; i++)
            {
                if (vectors.TryGetValue(texts[i], out var found))
                {
                    results[i] = new EmbeddingResult(found.Vector, found.Tokens, false);
                }
                else
                {
                    // Chunking is deterministic, so this should not happen; counted and reported if it does.
                    Missing++;
                    var vector = new float[model.Dimensions];
                    vector[Missing % model.Dimensions] = 1;
                    results[i] = new EmbeddingResult(vector, 0, false);
                }
            }

            Clock.Stop();
            return Task.FromResult<IReadOnlyList<EmbeddingResult>>(results);
        }

        public void Dispose()
        {
        }
    }
}
