using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace MixtralPS.Core.Embeddings;

/// <summary>
/// A loaded model (ONNX session + tokenizer), created once per model folder per process and shared:
/// loading takes about a second, and InferenceSession.Run is thread-safe.
/// </summary>
internal sealed class LocalModelSession
{
    private static readonly ConcurrentDictionary<string, Lazy<LocalModelSession>> Cache =
        new(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    private LocalModelSession(string directory, LocalModelInfo model)
    {
        Directory = directory;

        // The vocabulary is read on another thread while ONNX Runtime loads the graph: a cold query waits for both.
        var tokenizer = Task.Run(() => WordPieceTokenizer.FromVocabularyFile(Path.Combine(directory, LocalModelInfo.VocabularyFileName), model.LowerCase));
        var file = LocalModelInfo.FindModelFile(directory) ?? Path.Combine(directory, LocalModelInfo.ModelFileName);
        var optimized = Path.GetFileName(file) == LocalModelInfo.OptimizedModelFileName;
        using (var options = CreateOptions(optimized ? GraphOptimizationLevel.ORT_DISABLE_ALL : GraphOptimizationLevel.ORT_ENABLE_ALL))
        {
            // The native session copies its options, so they can go once it exists.
            Session = new InferenceSession(file, options);
        }

        try
        {
            Tokenizer = tokenizer.GetAwaiter().GetResult();
        }
        catch
        {
            Session.Dispose();
            throw;
        }

        var inputs = Session.InputMetadata;
        HasTokenTypeIds = inputs.ContainsKey("token_type_ids");
        if (!inputs.ContainsKey("input_ids") || !inputs.ContainsKey("attention_mask"))
        {
            throw new InvalidDataException(
                $"The model in '{directory}' has inputs ({string.Join(", ", inputs.Keys)}), not input_ids and attention_mask.");
        }

        // Token vectors, pooled here; a model exporting sentence_embedding has pooled them itself.
        var outputs = Session.OutputMetadata;
        if (outputs.TryGetValue("last_hidden_state", out var hidden) && hidden.Dimensions.Length == 3)
        {
            OutputName = "last_hidden_state";
        }
        else if (outputs.TryGetValue("sentence_embedding", out var pooled) && pooled.Dimensions.Length == 2)
        {
            OutputName = "sentence_embedding";
            IsPooledByModel = true;
        }
        else
        {
            throw new InvalidDataException(
                $"The model in '{directory}' has outputs ({string.Join(", ", outputs.Keys)}), neither last_hidden_state nor sentence_embedding.");
        }

        var width = outputs[OutputName].Dimensions[^1];
        if (width != model.Dimensions)
        {
            throw new InvalidDataException($"The model in '{directory}' gives {width}-dimensional vectors, not {model.Dimensions}.");
        }

        InputNames = HasTokenTypeIds ? ["input_ids", "attention_mask", "token_type_ids"] : ["input_ids", "attention_mask"];
        OutputNames = [OutputName];
    }

    public string Directory { get; }

    public InferenceSession Session { get; }

    public WordPieceTokenizer Tokenizer { get; }

    public bool HasTokenTypeIds { get; }

    public string OutputName { get; }

    public bool IsPooledByModel { get; }

    public string[] InputNames { get; }

    public string[] OutputNames { get; }

    /// <summary>The shared session for <paramref name="model"/> in <paramref name="directory"/>, loaded on first use.</summary>
    public static LocalModelSession Get(string directory, LocalModelInfo model)
    {
        var key = Path.GetFullPath(directory);
        var lazy = Cache.GetOrAdd(key, k => new Lazy<LocalModelSession>(() => new LocalModelSession(k, model)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // A failed load (missing or corrupt file) is not cached, so a fixed folder works without a restart.
            Cache.TryRemove(new KeyValuePair<string, Lazy<LocalModelSession>>(key, lazy));
            throw;
        }
    }

    /// <summary>Options for small encoder models on CPU; a graph optimised at build time needs no optimising at load.</summary>
    internal static SessionOptions CreateOptions(GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = optimization,

            // One Run at a time uses all cores inside each operator; the graph is a chain, so inter-op threads idle.
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = CpuTopology.PhysicalCoreCount,
            InterOpNumThreads = 1,
        };

        // Idle worker threads sleep instead of spinning: a spinning worker holds a core for a while after each Run,
        // which a query's database and graph work then waits for. Measured on a one-sentence query here: bare Run
        // p50 8.8 ms instead of 7.7 but p90 9.9 instead of 22.9; Find-RagContext p90 26 instead of 31-34 ms.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return options;
    }
}
