using System.Numerics.Tensors;
using MixtralPS.Core.Embeddings;

namespace MixtralPS.Embeddings.Tests;

/// <summary>The int8 model gives nearly the FP32 model's vectors, and the same nearest neighbours.</summary>
public sealed class Int8AgreementTests
{
    private static readonly string[] Documents =
    [
        "The mitochondria produce most of the cell's supply of ATP through oxidative phosphorylation.",
        "Insulin resistance in muscle and liver precedes type 2 diabetes by many years.",
        "PowerShell pipelines pass objects, not text, from one command to the next.",
        "The striker scored twice in the second half and his team won the cup final.",
        "Vaccination reduced hospital admissions for measles by ninety percent.",
        "A hash table gives constant-time lookups on average but degrades with many collisions.",
        "The Eiffel Tower was built for the 1889 World's Fair in Paris.",
        "Bread rises because yeast ferments sugars and releases carbon dioxide.",
        "Interest rates went up to bring inflation back to the central bank's target.",
        "Photosynthesis turns light, water and carbon dioxide into glucose and oxygen.",
        "The violin concerto opens with a long, quiet solo over sustained strings.",
        "Git stores snapshots of the whole tree, with each commit pointing to its parent.",
    ];

    private static readonly string[] Queries =
    [
        "how do cells make energy",
        "what comes before diabetes",
        "passing objects between shell commands",
        "who won the football final",
        "does the measles vaccine work",
        "why do plants need sunlight",
        "how does version control store history",
        "why does dough get bigger",
        "famous landmarks in France",
        "what do central banks do about prices",
    ];

    [Fact]
    public void Int8VectorsAreCloseToFp32Vectors()
    {
        var texts = TextCorpus.Generate().Select(s => s.Text).Concat(Documents).ToArray();
        var fp32 = Embed(LocalModelCatalog.DefaultModelName, texts);
        var int8 = Embed(LocalModelCatalog.Int8ModelName, texts);

        var cosines = fp32.Zip(int8, (a, b) => TensorPrimitives.CosineSimilarity(a, b)).ToArray();
        Assert.True(cosines.Min() > 0.95f, $"lowest cosine {cosines.Min()} (text {Array.IndexOf(cosines, cosines.Min())})");
        Assert.True(cosines.Average() > 0.99f, $"mean cosine {cosines.Average()}");
    }

    [Fact]
    public void Int8FindsTheSameNearestDocumentsAsFp32()
    {
        var fp32 = Nearest(LocalModelCatalog.DefaultModelName);
        var int8 = Nearest(LocalModelCatalog.Int8ModelName);
        for (var q = 0; q < Queries.Length; q++)
        {
            Assert.True(fp32[q] == int8[q], $"'{Queries[q]}': FP32 '{Documents[fp32[q]]}', int8 '{Documents[int8[q]]}'");
        }
    }

    /// <summary>For each query, the index of the document closest to it.</summary>
    private static int[] Nearest(string model)
    {
        var documents = Embed(model, Documents);
        return Embed(model, Queries, EmbeddingPurpose.Query)
            .Select(q => documents.Select(d => TensorPrimitives.Dot(q, d)).ToArray())
            .Select(scores => Array.IndexOf(scores, scores.Max()))
            .ToArray();
    }

    [Fact]
    public void Int8ModelSharesTheFp32ModelsTokenizerPoolingAndLimits()
    {
        var int8 = LocalModelCatalog.Get(LocalModelCatalog.Int8ModelName);
        var fp32 = LocalModelCatalog.Get(int8.QuantizedFrom!);
        Assert.Equal(fp32 with { Name = int8.Name, Description = int8.Description }, int8 with { QuantizedFrom = null });
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(LocalModelCatalog.GetModelDirectory(ModelPaths.BaseDirectory, fp32), "vocab.txt")),
            File.ReadAllBytes(Path.Combine(LocalModelCatalog.GetModelDirectory(ModelPaths.BaseDirectory, int8), "vocab.txt")));
    }

    [Fact]
    public void Int8ModelTakesTheParaphraseThresholdOfItsSource() =>
        Assert.Equal(
            MixtralPS.Core.Similarity.SimilarityComparer.DefaultThreshold(LocalModelCatalog.DefaultModelName),
            MixtralPS.Core.Similarity.SimilarityComparer.DefaultThreshold(LocalModelCatalog.Int8ModelName));

    private static float[][] Embed(string model, string[] texts, EmbeddingPurpose purpose = EmbeddingPurpose.Document)
    {
        using var provider = new OnnxEmbeddingProvider(ModelPaths.BaseDirectory, model);
        return provider.Embed(texts, purpose).Select(r => r.Vector).ToArray();
    }
}
