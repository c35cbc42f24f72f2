using Google.Protobuf;
using MixtralPS.ModelTool;
using Onnx;

namespace MixtralPS.Embeddings.Tests;

/// <summary>build/ModelTool's dynamic quantisation: the graph edits on small graphs, and the shipped int8 file's graph.</summary>
public sealed class QuantizerTests
{
    private const int FloatType = (int)TensorProto.Types.DataType.Float;
    private const int Int8Type = (int)TensorProto.Types.DataType.Int8;

    [Fact]
    public void WeightMatMulAndItsBiasAddBecomeOneDynamicQuantizeMatMul()
    {
        var model = Graph(
            [Node("MatMul", ["x", "w"], ["h"]), Node("Add", ["b", "h"], ["y"])],
            Floats("w", [2, 3], [1, -2, 0.5f, 0.25f, 4, -1]), Floats("b", [3], [0.1f, 0.2f, 0.3f]));

        var summary = DynamicQuantizer.Quantize(model);

        Assert.Equal((1, 1, 0), (summary.MatMulsQuantized, summary.BiasesFolded, summary.MatMulsLeft));
        var node = Assert.Single(model.Graph.Node);
        Assert.Equal(("DynamicQuantizeMatMul", "com.microsoft"), (node.OpType, node.Domain));
        Assert.Equal(["x", "w_quantized", "w_scale", "", "b"], node.Input.ToArray());
        Assert.Equal(["y"], node.Output.ToArray());
        Assert.Contains(model.OpsetImport, o => o.Domain == "com.microsoft");

        // The float weight is gone; int8 weight of the same shape, one float scale per column, the bias untouched.
        var initializers = model.Graph.Initializer.ToDictionary(i => i.Name);
        Assert.Equal(["b", "w_quantized", "w_scale"], initializers.Keys.Order().ToArray());
        Assert.Equal(Int8Type, initializers["w_quantized"].DataType);
        Assert.Equal([2, 3], initializers["w_quantized"].Dims.ToArray());
        Assert.Equal(FloatType, initializers["w_scale"].DataType);
        Assert.Equal([3], initializers["w_scale"].Dims.ToArray());
        var scales = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(initializers["w_scale"].RawData.Span).ToArray();
        Assert.Equal([1 / 127f, 4 / 127f, 1 / 127f], scales);
        Assert.Equal([127, -64, 64, 32, 127, -127], initializers["w_quantized"].RawData.Select(b => (int)(sbyte)b).ToArray());
    }

    [Fact]
    public void ActivationMatMulsAndSharedOutputsAreLeftAlone()
    {
        var model = Graph(
            [
                Node("MatMul", ["q", "k"], ["scores"]),      // two activations: stays float
                Node("MatMul", ["x", "w"], ["h"]),           // weight: quantised
                Node("Add", ["h", "b"], ["y"]),              // bias, but h is read twice: not folded
                Node("Relu", ["h"], ["z"]),
            ],
            Floats("w", [2, 2], [1, 2, 3, 4]), Floats("b", [2], [0, 0]));

        var summary = DynamicQuantizer.Quantize(model);

        Assert.Equal((1, 0, 1), (summary.MatMulsQuantized, summary.BiasesFolded, summary.MatMulsLeft));
        Assert.Equal(["MatMul", "DynamicQuantizeMatMul", "Add", "Relu"], model.Graph.Node.Select(n => n.OpType).ToArray());
        Assert.Equal(["x", "w_quantized", "w_scale"], model.Graph.Node[1].Input.ToArray());
        Assert.Equal("h", model.Graph.Node[1].Output.Single());
    }

    [Fact]
    public void PerTensorScalingHasOneScalarScaleAndAZeroMatrixScalesToOne()
    {
        var (data, scales) = DynamicQuantizer.QuantizeSymmetric([0, 0, 0, 0], 2, 2, WeightScaling.PerTensor);
        Assert.Equal([1f], scales);
        Assert.All(data, v => Assert.Equal(0, v));

        // Half-way values round to even, as numpy's round does: 0.5 -> 0, 1.5 -> 2, and the extreme maps to ±127.
        (data, scales) = DynamicQuantizer.QuantizeSymmetric([127, 0.5f, 1.5f, -127], 1, 4, WeightScaling.PerTensor);
        Assert.Equal([1f], scales);
        Assert.Equal([127, 0, 2, -127], data.Select(v => (int)v).ToArray());
    }

    [Fact]
    public void ShippedInt8ModelHasOnlyQuantizedWeightMatMuls()
    {
        var path = Path.Combine(ModelPaths.BaseDirectory, "models", "all-MiniLM-L6-v2-int8", "model.onnx");
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var initializers = model.Graph.Initializer.ToDictionary(i => i.Name);

        // MiniLM-L6: 6 layers × (Q, K, V, attention output, 2 feed-forward) weight MatMuls, all with their bias folded.
        var quantized = model.Graph.Node.Where(n => n.OpType == "DynamicQuantizeMatMul").ToList();
        Assert.Equal(36, quantized.Count);
        Assert.All(quantized, n =>
        {
            Assert.Equal("com.microsoft", n.Domain);
            Assert.Equal(Int8Type, initializers[n.Input[1]].DataType);
            Assert.Equal(FloatType, initializers[n.Input[2]].DataType);
            Assert.Equal(initializers[n.Input[1]].Dims[1], initializers[n.Input[2]].Dims.Single());
            Assert.Equal(FloatType, initializers[n.Input[4]].DataType);
        });

        // What stays MatMul multiplies two activations (attention scores and their weighted sum).
        Assert.All(model.Graph.Node.Where(n => n.OpType == "MatMul"), n => Assert.DoesNotContain(n.Input[1], initializers.Keys));
        Assert.Equal(12, model.Graph.Node.Count(n => n.OpType == "MatMul"));
    }

    private static ModelProto Graph(NodeProto[] nodes, params TensorProto[] initializers)
    {
        var graph = new GraphProto { Name = "test" };
        graph.Node.AddRange(nodes);
        graph.Initializer.AddRange(initializers);
        var model = new ModelProto { IrVersion = 7, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model;
    }

    private static NodeProto Node(string op, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = op, Name = op + "_" + outputs[0] };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }

    private static TensorProto Floats(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = FloatType, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }
}
