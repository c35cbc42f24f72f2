using System.Buffers;
using Microsoft.ML.OnnxRuntime;

namespace MixtralPS.Core.Embeddings;

/// <summary>
/// Embeds texts in-process with a local ONNX model from <c>&lt;baseDirectory&gt;/models/&lt;model&gt;/</c>:
/// our WordPiece tokenizer, ONNX Runtime on the CPU, pooling and L2 normalisation here.
/// Texts are batched by similar length (little padding) and returned in input order.
/// </summary>
public sealed class OnnxEmbeddingProvider : IEmbeddingProvider
{
    /// <summary>Sequences per ONNX Runtime call.</summary>
    public const int DefaultBatchSize = 16;

    /// <summary>Padded tokens per call: keeps the attention buffers of long-text batches small.</summary>
    public const int DefaultBatchTokenBudget = 4096;

    private readonly LocalModelSession session;

    /// <param name="baseDirectory">The folder holding <c>models/</c> (the module passes its own folder).</param>
    /// <param name="model">A name from <see cref="LocalModelCatalog"/>; null for the default model.</param>
    /// <param name="maxTokens">Token limit per text, special tokens included; null for the model's default.</param>
    /// <exception cref="ArgumentException">Unknown model name.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxTokens"/> outside 2 … the model's limit.</exception>
    /// <exception cref="FileNotFoundException">The model's files are not in that folder.</exception>
    public OnnxEmbeddingProvider(string baseDirectory, string? model = null, int? maxTokens = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(baseDirectory);
        ModelInfo = LocalModelCatalog.Get(model ?? LocalModelCatalog.DefaultModelName);
        MaxTokens = maxTokens ?? ModelInfo.DefaultMaxTokens;
        if (MaxTokens < 2 || MaxTokens > ModelInfo.MaxTokens)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxTokens), MaxTokens, $"{ModelInfo.Name} takes 2 to {ModelInfo.MaxTokens} tokens per text.");
        }

        ModelDirectory = LocalModelCatalog.GetModelDirectory(baseDirectory, ModelInfo);
        foreach (var path in new[] { LocalModelInfo.FindModelFile(ModelDirectory) ?? Path.Combine(ModelDirectory, LocalModelInfo.ModelFileName), Path.Combine(ModelDirectory, LocalModelInfo.VocabularyFileName) })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    $"The local model '{ModelInfo.Name}' is not installed: '{path}' is missing.", path);
            }
        }

        session = LocalModelSession.Get(ModelDirectory, ModelInfo);
    }

    public string Model => ModelInfo.Name;

    public int Dimensions => ModelInfo.Dimensions;

    public int MaxTokens { get; }

    public LocalModelInfo ModelInfo { get; }

    /// <summary>The folder the model's files were loaded from.</summary>
    public string ModelDirectory { get; }

    /// <summary>The tokenizer of this model (to count tokens without embedding).</summary>
    public WordPieceTokenizer Tokenizer => session.Tokenizer;

    /// <summary>Upper bound on sequences per ONNX Runtime call.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>Upper bound on padded tokens (sequences × longest) per call; a single long text may exceed it.</summary>
    public int BatchTokenBudget { get; init; } = DefaultBatchTokenBudget;

    /// <summary>Tokenizes <paramref name="text"/> as <see cref="Embed"/> would, prefix and limit applied.</summary>
    public TokenizedText Tokenize(string text, EmbeddingPurpose purpose) =>
        session.Tokenizer.Encode(ModelInfo.PrefixFor(purpose) + text, MaxTokens);

    public Task<IReadOnlyList<EmbeddingResult>> EmbedAsync(
        IReadOnlyList<string> texts,
        EmbeddingPurpose purpose,
        CancellationToken cancellationToken)
    {
        // CPU-bound: run on the pool so an async caller's thread stays free.
        return Task.Run(() => Embed(texts, purpose, cancellationToken), cancellationToken);
    }

    /// <summary>Embeds <paramref name="texts"/> on the calling thread; results in input order.</summary>
    /// <exception cref="ArgumentException">A text is null, empty or whitespace (the message and Data["Index"] give its index).</exception>
    public IReadOnlyList<EmbeddingResult> Embed(
        IReadOnlyList<string> texts,
        EmbeddingPurpose purpose = EmbeddingPurpose.Document,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var tokenized = new TokenizedText[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(texts[i]))
            {
                // Data["Index"] lets a caller report the one bad item without parsing the message.
                throw new ArgumentException($"Text {i} is empty or whitespace; there is nothing to embed.", nameof(texts))
                {
                    Data = { ["Index"] = i },
                };
            }

            tokenized[i] = Tokenize(texts[i], purpose);
        }

        var vectors = EmbedTokenized(tokenized.Select(t => t.Ids).ToArray(), cancellationToken);
        var results = new EmbeddingResult[texts.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = new EmbeddingResult(vectors[i], tokenized[i].TokenCount, tokenized[i].Truncated);
        }

        return results;
    }

    /// <summary>Runs already tokenized sequences ([CLS] … [SEP]) through the model; vectors in input order.</summary>
    internal float[][] EmbedTokenized(IReadOnlyList<int[]> sequences, CancellationToken cancellationToken = default)
    {
        var vectors = new float[sequences.Count][];

        // Longest first: similar lengths share a batch, so little compute goes to padding.
        var order = Enumerable.Range(0, sequences.Count).OrderByDescending(i => sequences[i].Length).ToArray();

        using var runOptions = new RunOptions();
        using var cancellation = cancellationToken.Register(() => runOptions.Terminate = true);
        var start = 0;
        while (start < order.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var longest = sequences[order[start]].Length;
            var count = 1;
            while (start + count < order.Length && count < BatchSize && (count + 1) * longest <= BatchTokenBudget)
            {
                count++;
            }

            try
            {
                RunBatch(sequences, order.AsSpan(start, count), longest, vectors, runOptions);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            start += count;
        }

        return vectors;
    }

    private void RunBatch(IReadOnlyList<int[]> sequences, ReadOnlySpan<int> batch, int length, float[][] vectors, RunOptions runOptions)
    {
        var cells = batch.Length * length;
        var dimensions = ModelInfo.Dimensions;
        var outputCells = session.IsPooledByModel ? batch.Length * dimensions : cells * dimensions;
        var ids = ArrayPool<long>.Shared.Rent(cells);
        var mask = ArrayPool<long>.Shared.Rent(cells);
        var types = ArrayPool<long>.Shared.Rent(cells);
        var output = ArrayPool<float>.Shared.Rent(outputCells);
        try
        {
            // Right padding with [PAD] and mask 0; one segment, so token types are all 0.
            for (var row = 0; row < batch.Length; row++)
            {
                var sequence = sequences[batch[row]];
                var offset = row * length;
                for (var t = 0; t < sequence.Length; t++)
                {
                    ids[offset + t] = sequence[t];
                }

                ids.AsSpan(offset + sequence.Length, length - sequence.Length).Fill(session.Tokenizer.PadId);
                mask.AsSpan(offset, sequence.Length).Fill(1);
                mask.AsSpan(offset + sequence.Length, length - sequence.Length).Clear();
            }

            types.AsSpan(0, cells).Clear();

            long[] shape = [batch.Length, length];
            long[] outputShape = session.IsPooledByModel ? [batch.Length, dimensions] : [batch.Length, length, dimensions];
            using var idsValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, ids.AsMemory(0, cells), shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, mask.AsMemory(0, cells), shape);
            using var typesValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, types.AsMemory(0, cells), shape);
            using var outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output.AsMemory(0, outputCells), outputShape);
            OrtValue[] inputs = session.HasTokenTypeIds ? [idsValue, maskValue, typesValue] : [idsValue, maskValue];

            // The output is written straight into our buffer: no copy out of native memory.
            session.Session.Run(runOptions, session.InputNames, inputs, session.OutputNames, [outputValue]);

            for (var row = 0; row < batch.Length; row++)
            {
                var index = batch[row];
                if (session.IsPooledByModel)
                {
                    var vector = output.AsSpan(row * dimensions, dimensions).ToArray();
                    Pooling.NormalizeInPlace(vector);
                    vectors[index] = vector;
                }
                else
                {
                    var hidden = output.AsSpan(row * length * dimensions, length * dimensions);
                    vectors[index] = Pooling.Pool(hidden, sequences[index].Length, dimensions, ModelInfo.Pooling);
                }
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(ids);
            ArrayPool<long>.Shared.Return(mask);
            ArrayPool<long>.Shared.Return(types);
            ArrayPool<float>.Shared.Return(output);
        }
    }

    /// <summary>Nothing to release: the loaded model is shared by every provider of this process.</summary>
    public void Dispose()
    {
    }
}
