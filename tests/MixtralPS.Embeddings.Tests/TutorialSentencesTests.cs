using System.Numerics.Tensors;
using MixtralPS.Core.Embeddings;

namespace MixtralPS.Embeddings.Tests;

/// <summary>The sentence-transformers tutorial's example: the two Zidane questions are the closest pair.</summary>
public sealed class TutorialSentencesTests
{
    private static readonly string[] Sentences =
    [
        "What led to Zidane's ban from football?",
        "This is a totally different sentence.",
        "What caused Zidane to get banned from football?",
    ];

    [Theory]
    [InlineData("all-MiniLM-L6-v2")]
    [InlineData("all-MiniLM-L6-v2-int8")]
    [InlineData("snowflake-arctic-embed-xs")]
    public void ParaphrasesAreTheClosestPair(string model)
    {
        using var provider = new OnnxEmbeddingProvider(ModelPaths.BaseDirectory, model);
        var vectors = provider.Embed(Sentences).Select(r => r.Vector).ToArray();

        var paraphrase = TensorPrimitives.CosineSimilarity(vectors[0], vectors[2]);
        var other1 = TensorPrimitives.CosineSimilarity(vectors[0], vectors[1]);
        var other2 = TensorPrimitives.CosineSimilarity(vectors[1], vectors[2]);
        Assert.True(paraphrase > Math.Max(other1, other2) + 0.2f, $"(1,3)={paraphrase} (1,2)={other1} (2,3)={other2}");
    }
}
