using System.Numerics.Tensors;
using MixtralPS.Core.Embeddings;
using MixtralPS.ModelTool;

namespace MixtralPS.Embeddings.Tests;

/// <summary>A graph optimised at build time (model.optimized.onnx, build.ps1) loads in place of model.onnx and gives the same vectors.</summary>
public sealed class OptimizedModelTests : IDisposable
{
    private readonly string baseDirectory = Path.Combine(Path.GetTempPath(), $"mixtralps-optimized-{Guid.NewGuid():N}");

    [Theory]
    [InlineData("all-MiniLM-L6-v2")]
    [InlineData("all-MiniLM-L6-v2-int8")]
    public void OptimizedGraphGivesTheVectorsOfTheOriginal(string model)
    {
        // As the module's layout has it: the optimised graph and the vocabulary, no model.onnx.
        var info = LocalModelCatalog.Get(model);
        var source = LocalModelCatalog.GetModelDirectory(ModelPaths.BaseDirectory, info);
        var target = Directory.CreateDirectory(LocalModelCatalog.GetModelDirectory(baseDirectory, info)).FullName;
        ModelOptimizer.Optimize(Path.Combine(source, LocalModelInfo.ModelFileName), Path.Combine(target, LocalModelInfo.OptimizedModelFileName));
        File.Copy(Path.Combine(source, LocalModelInfo.VocabularyFileName), Path.Combine(target, LocalModelInfo.VocabularyFileName));
        Assert.True(LocalModelCatalog.IsInstalled(baseDirectory, info));
        Assert.Equal(Path.Combine(target, LocalModelInfo.OptimizedModelFileName), LocalModelInfo.FindModelFile(target));

        string[] texts = ["What led to Zidane's ban from football?", "Bread rises because yeast ferments sugars.", string.Join(' ', Enumerable.Repeat("long text", 200))];
        var original = new OnnxEmbeddingProvider(ModelPaths.BaseDirectory, model).Embed(texts);
        var optimized = new OnnxEmbeddingProvider(baseDirectory, model).Embed(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(TensorPrimitives.CosineSimilarity(original[i].Vector, optimized[i].Vector) > 0.9999f, $"text {i}");
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(baseDirectory, recursive: true);
        }
        catch (IOException)
        {
            // The shared session keeps the file open on some platforms; the temp folder is the OS's to clean.
        }
    }
}
