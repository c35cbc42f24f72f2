using Google.Protobuf;
using Onnx;

namespace MixtralPS.ModelTool;

/// <summary>How a weight matrix is scaled to int8.</summary>
public enum WeightScaling
{
    /// <summary>One scale per output column (per channel), as onnxruntime's quantize_dynamic(per_channel=True).</summary>
    PerColumn,

    /// <summary>One scale for the whole matrix, as quantize_dynamic's default.</summary>
    PerTensor,
}

/// <summary>What <see cref="DynamicQuantizer.Quantize"/> changed.</summary>
public sealed record QuantizationSummary(int MatMulsQuantized, int BiasesFolded, int MatMulsLeft, long FloatWeightBytes, long Int8WeightBytes);

/// <summary>
/// Dynamic quantisation of the weight MatMuls, the way onnxruntime.quantization.quantize_dynamic does it for
/// transformer encoders: each MatMul whose B is a constant float matrix becomes com.microsoft's DynamicQuantizeMatMul
/// with B stored as symmetric int8 (zero point 0, range ±127) and its scale(s); A is quantised to uint8 at run time by
/// the operator itself. A following Add of a constant bias is folded into the operator's bias input. MatMuls of two
/// activations (attention scores) stay float, as quantize_dynamic leaves them without MatMulInteger on both sides.
/// </summary>
public static class DynamicQuantizer
{
    /// <summary>Bumped whenever the output for the same input changes, so build caches keyed on it stay right.</summary>
    public const int Version = 1;

    public const string MicrosoftDomain = "com.microsoft";

    public const string QuantizedOp = "DynamicQuantizeMatMul";

    private const int FloatType = (int)TensorProto.Types.DataType.Float;
    private const int Int8Type = (int)TensorProto.Types.DataType.Int8;

    public static QuantizationSummary Quantize(ModelProto model, WeightScaling scaling = WeightScaling.PerColumn)
    {
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        int quantized = 0, folded = 0, left = 0;
        long floatBytes = 0, int8Bytes = 0;

        foreach (var matMul in graph.Node.Where(n => n.OpType == "MatMul" && n.Domain.Length == 0).ToList())
        {
            if (!initializers.TryGetValue(matMul.Input[1], out var weight) || weight.DataType != FloatType || weight.Dims.Count != 2)
            {
                left++;
                continue;
            }

            var rows = checked((int)weight.Dims[0]);
            var columns = checked((int)weight.Dims[1]);
            var values = ReadFloats(weight);
            var (data, scales) = QuantizeSymmetric(values, rows, columns, scaling);

            var baseName = weight.Name;
            var quantizedWeight = new TensorProto { Name = baseName + "_quantized", DataType = Int8Type, RawData = ByteString.CopyFrom((byte[])(Array)data) };
            quantizedWeight.Dims.AddRange([rows, columns]);
            var scale = new TensorProto { Name = baseName + "_scale", DataType = FloatType, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(scales.AsSpan()).ToArray()) };
            if (scaling == WeightScaling.PerColumn)
            {
                scale.Dims.Add(columns);
            }

            var node = new NodeProto { Name = matMul.Name + "_quant", OpType = QuantizedOp, Domain = MicrosoftDomain };
            node.Input.AddRange([matMul.Input[0], quantizedWeight.Name, scale.Name]);
            var output = matMul.Output[0];

            // MatMul + Add(bias) -> one node, when the Add is the MatMul's only reader and its other input a constant vector.
            var readers = graph.Node.Where(n => n.Input.Contains(output)).ToList();
            if (!graphOutputs.Contains(output) && readers is [{ OpType: "Add", Domain: "" } add]
                && add.Input.FirstOrDefault(i => i != output) is { } biasName
                && initializers.TryGetValue(biasName, out var bias) && bias.DataType == FloatType
                && bias.Dims.Count == 1 && bias.Dims[0] == columns)
            {
                node.Input.AddRange(["", biasName]); // b_zero_point omitted: symmetric
                output = add.Output[0];
                graph.Node.Remove(add);
                folded++;
            }

            node.Output.Add(output);
            graph.Node[graph.Node.IndexOf(matMul)] = node;
            graph.Initializer.Add(quantizedWeight);
            graph.Initializer.Add(scale);
            floatBytes += values.Length * sizeof(float);
            int8Bytes += data.Length + (scales.Length * sizeof(float));
            quantized++;
        }

        // Weights no node reads any more (each MatMul's float matrix) go; a weight shared with another node stays.
        var read = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        foreach (var unused in graph.Initializer.Where(i => !read.Contains(i.Name)).ToList())
        {
            graph.Initializer.Remove(unused);
        }

        if (quantized > 0 && !model.OpsetImport.Any(o => o.Domain == MicrosoftDomain))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        }

        return new QuantizationSummary(quantized, folded, left, floatBytes, int8Bytes);
    }

    /// <summary>
    /// Symmetric int8 in ±127 (so −w and w map to opposite codes, as quantize_dynamic's symmetric int8), rounding half
    /// to even as numpy does; a column of zeros gets scale 1.
    /// </summary>
    public static (sbyte[] Data, float[] Scales) QuantizeSymmetric(float[] values, int rows, int columns, WeightScaling scaling)
    {
        var scales = new float[scaling == WeightScaling.PerColumn ? columns : 1];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var s = scaling == WeightScaling.PerColumn ? c : 0;
                scales[s] = Math.Max(scales[s], Math.Abs(values[(r * columns) + c]));
            }
        }

        for (var s = 0; s < scales.Length; s++)
        {
            scales[s] = scales[s] == 0 ? 1f : scales[s] / 127f;
        }

        var data = new sbyte[values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var i = (r * columns) + c;
                var q = MathF.Round(values[i] / scales[scaling == WeightScaling.PerColumn ? c : 0], MidpointRounding.ToEven);
                data[i] = (sbyte)Math.Clamp(q, -127f, 127f);
            }
        }

        return (data, scales);
    }

    private static float[] ReadFloats(TensorProto tensor)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new NotSupportedException($"Initializer '{tensor.Name}' keeps its data in an external file.");
        }

        return tensor.RawData.Length > 0
            ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray()
            : tensor.FloatData.ToArray();
    }
}
