using System.Numerics.Tensors;
using MixtralPS.Core.Embeddings;

namespace MixtralPS.Embeddings.Tests;

/// <summary>The provider's contract: order, limits, errors, cancellation; and the catalog.</summary>
public sealed class ProviderTests
{
    private static OnnxEmbeddingProvider Create(string? model = null, int? maxTokens = null) =>
        new(ModelPaths.BaseDirectory, model, maxTokens);

    [Fact]
    public void ResultsComeBackInInputOrderWhateverTheBatching()
    {
        // Lengths vary so the length sort reorders them; tiny batches force many runs.
        var texts = Enumerable.Range(0, 23)
            .Select(i => string.Join(' ', Enumerable.Repeat($"word{i}", 1 + ((i * 7) % 19))))
            .ToArray();
        var batched = new OnnxEmbeddingProvider(ModelPaths.BaseDirectory) { BatchSize = 4 }.Embed(texts);
        var single = texts.Select(t => Create().Embed([t])[0]).ToArray();
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(TensorPrimitives.CosineSimilarity(batched[i].Vector, single[i].Vector) > 0.99999f, $"text {i}");
            Assert.Equal(single[i].TokenCount, batched[i].TokenCount);
        }
    }

    [Fact]
    public void VectorsAreUnitLength()
    {
        foreach (var model in LocalModelCatalog.Names)
        {
            var result = Create(model).Embed(["unit length please"])[0];
            Assert.Equal(384, result.Vector.Length);
            Assert.Equal(1f, TensorPrimitives.Norm(result.Vector), 4);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    public void EmptyOrWhitespaceTextIsAnArgumentErrorNamingItsIndex(string blank)
    {
        var error = Assert.Throws<ArgumentException>(() => Create().Embed(["fine", "also fine", blank]));
        Assert.Contains("Text 2", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.Data["Index"]);
    }

    [Fact]
    public void LongTextsAreTruncatedAndSaySo()
    {
        var longText = string.Join(' ', Enumerable.Repeat("embedding", 600));
        var atDefault = Create().Embed([longText, "short"]);
        Assert.True(atDefault[0].Truncated);
        Assert.Equal(256, atDefault[0].TokenCount);
        Assert.False(atDefault[1].Truncated);
        Assert.Equal(3, atDefault[1].TokenCount);

        var at512 = Create(maxTokens: 512).Embed([longText])[0];
        Assert.True(at512.Truncated);
        Assert.Equal(512, at512.TokenCount);
        Assert.Equal(512, Create("snowflake-arctic-embed-xs").MaxTokens);
    }

    [Fact]
    public void QueryPrefixCountsTowardsTheLimit()
    {
        var provider = Create("snowflake-arctic-embed-xs");
        var asQuery = provider.Embed(["zidane"], EmbeddingPurpose.Query)[0];
        var asDocument = provider.Embed(["zidane"], EmbeddingPurpose.Document)[0];
        Assert.Equal(asDocument.TokenCount + provider.Tokenizer.Encode(provider.ModelInfo.QueryPrefix, 512).TokenCount - 2, asQuery.TokenCount);

        // MiniLM has no prefix: a query is embedded like a document.
        var miniLm = Create();
        Assert.Equal(miniLm.Embed(["zidane"], EmbeddingPurpose.Query)[0].Vector, miniLm.Embed(["zidane"])[0].Vector);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(513)]
    public void MaxTokensOutsideTheModelsRangeIsRejected(int maxTokens) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(maxTokens: maxTokens));

    [Fact]
    public void UnknownModelNamesTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => Create("no-such-model"));
        Assert.Contains("all-MiniLM-L6-v2", error.Message, StringComparison.Ordinal);
        Assert.Contains("snowflake-arctic-embed-xs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingModelFilesSayWhere()
    {
        var empty = Directory.CreateTempSubdirectory("mixtralps-nomodels-");
        try
        {
            var error = Assert.Throws<FileNotFoundException>(() => new OnnxEmbeddingProvider(empty.FullName));
            Assert.Contains(Path.Combine(empty.FullName, "models", "all-MiniLM-L6-v2"), error.Message, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task CancellationStopsBetweenBatches()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var texts = Enumerable.Repeat("some text", 100).ToArray();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Create().EmbedAsync(texts, EmbeddingPurpose.Document, cancelled.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => Create().Embed(texts, EmbeddingPurpose.Document, cancelled.Token));
    }

    [Fact]
    public async Task EmbedAsyncMatchesEmbed()
    {
        var provider = Create();
        var viaAsync = await provider.EmbedAsync(["same text"], EmbeddingPurpose.Document, CancellationToken.None);
        Assert.Equal(provider.Embed(["same text"])[0].Vector, viaAsync[0].Vector);
    }

    [Fact]
    public void ProvidersShareOneSessionPerModel()
    {
        // Concurrent calls through separate providers use the same cached session (Run is thread-safe).
        var results = Enumerable.Range(0, 4).AsParallel().Select(i => Create().Embed([$"parallel {i}"])[0]).ToArray();
        Assert.All(results, r => Assert.Equal(384, r.Vector.Length));
    }

    [Fact]
    public void CatalogDescribesTheModels()
    {
        Assert.Equal(["all-MiniLM-L6-v2", "all-MiniLM-L6-v2-int8", "snowflake-arctic-embed-xs"], LocalModelCatalog.Names);
        Assert.Equal("all-MiniLM-L6-v2", LocalModelCatalog.Default.Name);
        var miniLm = LocalModelCatalog.Get("ALL-minilm-l6-v2");
        Assert.Equal((384, 512, 256, EmbeddingPooling.Mean, ""), (miniLm.Dimensions, miniLm.MaxTokens, miniLm.DefaultMaxTokens, miniLm.Pooling, miniLm.QueryPrefix));
        var arctic = LocalModelCatalog.Get("snowflake-arctic-embed-xs");
        Assert.Equal((384, 512, 512, EmbeddingPooling.Cls), (arctic.Dimensions, arctic.MaxTokens, arctic.DefaultMaxTokens, arctic.Pooling));
        Assert.Equal("Represent this sentence for searching relevant passages: ", arctic.QueryPrefix);
        Assert.All(LocalModelCatalog.Models, m => Assert.True(LocalModelCatalog.IsInstalled(ModelPaths.BaseDirectory, m)));
        Assert.False(LocalModelCatalog.TryGet("gpt-4", out _));
    }
}
