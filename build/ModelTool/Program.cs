using System.Diagnostics;
using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using MixtralPS.ModelTool;
using Onnx;

// Build-time tool: derives model files from the shipped FP32 models.
//   quantize <input.onnx> <output.onnx> [--per-tensor] [--cache DIR]   int8 weights (build/LocalModels.targets)
//   optimize <input.onnx> <output.onnx> [--cache DIR]                  ONNX Runtime's EXTENDED graph optimisations, saved (build.ps1)
// With --cache, a result made before from the same input bytes (SHA-256) by the same tool version is copied.
// Exit codes: 0 done, 1 failed, 2 bad arguments.
const string Usage = "usage: MixtralPS.ModelTool quantize|optimize <input.onnx> <output.onnx> [--per-tensor] [--cache DIR]";
if (args.Length < 3 || args[0] is not ("quantize" or "optimize"))
{
    Console.Error.WriteLine(Usage);
    return 2;
}

var (command, input, output) = (args[0], args[1], args[2]);
var scaling = args.Contains("--per-tensor") ? WeightScaling.PerTensor : WeightScaling.PerColumn;
var cacheIndex = Array.IndexOf(args, "--cache");
var cache = cacheIndex > 0 && cacheIndex + 1 < args.Length ? args[cacheIndex + 1] : null;

// What else decides the output besides the input's bytes.
var variant = command == "quantize"
    ? $"q{DynamicQuantizer.Version}-{scaling}"
    : $"ort{typeof(InferenceSession).Assembly.GetName().Version}-{ModelOptimizer.Level}";
try
{
    var clock = Stopwatch.StartNew();
    var bytes = File.ReadAllBytes(input);
    var cached = cache is null ? null : Path.Combine(cache, $"{Convert.ToHexString(SHA256.HashData(bytes))[..16]}-{variant}.onnx");
    if (cached is not null && File.Exists(cached))
    {
        WriteAtomically(output, target => File.Copy(cached, target, overwrite: true));
        Console.WriteLine($"{command}: {output} from the cache ({cached})");
        return 0;
    }

    string report;
    if (command == "quantize")
    {
        var model = ModelProto.Parser.ParseFrom(bytes);
        var summary = DynamicQuantizer.Quantize(model, scaling);
        if (summary.MatMulsQuantized == 0)
        {
            Console.Error.WriteLine($"{input} has no MatMul with a constant float weight: nothing to quantize.");
            return 1;
        }

        WriteAtomically(output, target =>
        {
            using var stream = File.Create(target);
            model.WriteTo(stream);
        });
        report = $"int8 ({scaling}): {summary.MatMulsQuantized} MatMuls -> {DynamicQuantizer.QuantizedOp} ({summary.BiasesFolded} biases folded, " +
            $"{summary.MatMulsLeft} activation MatMuls left float), weights {summary.FloatWeightBytes / 1e6:0.0} -> {summary.Int8WeightBytes / 1e6:0.0} MB";
    }
    else
    {
        WriteAtomically(output, target => ModelOptimizer.Optimize(input, target));
        report = $"optimised ({ModelOptimizer.Level})";
    }

    if (cached is not null)
    {
        Directory.CreateDirectory(cache!);
        WriteAtomically(cached, target => File.Copy(output, target, overwrite: true));
    }

    Console.WriteLine($"{report}; {output} {new FileInfo(output).Length / 1e6:0.0} MB in {clock.Elapsed.TotalSeconds:0.0} s");
    return 0;
}
catch (Exception e) when (e is IOException or InvalidProtocolBufferException or NotSupportedException or UnauthorizedAccessException or OnnxRuntimeException)
{
    Console.Error.WriteLine($"MixtralPS.ModelTool: {e.Message}");
    return 1;
}

// Written beside, then moved: an interrupted build never leaves a half file that looks finished.
static void WriteAtomically(string path, Action<string> write)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    var partial = $"{path}.{Environment.ProcessId}.partial";
    write(partial);
    File.Move(partial, path, overwrite: true);
}
