using Microsoft.ML.OnnxRuntime;

namespace MixtralPS.ModelTool;

/// <summary>
/// Saves the graph as ONNX Runtime optimises it on load, so the module can load it with optimisation off (less work
/// on each cold start). EXTENDED, not ALL: ALL adds layout changes for the CPU it runs on, which ONNX Runtime warns
/// make a saved model unfit for other machines; EXTENDED's fusions (attention, LayerNorm, GELU) are portable.
/// </summary>
public static class ModelOptimizer
{
    public const GraphOptimizationLevel Level = GraphOptimizationLevel.ORT_ENABLE_EXTENDED;

    public static void Optimize(string input, string output)
    {
        // ONNX, not ORT's own format, whatever the file is called (the tool writes to a ".partial" name first).
        using var options = new SessionOptions { GraphOptimizationLevel = Level, OptimizedModelFilePath = output };
        options.AddSessionConfigEntry("session.save_model_format", "ONNX");
        using var session = new InferenceSession(input, options);
    }
}
