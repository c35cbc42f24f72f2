using System.Numerics.Tensors;
using MixtralPS.Core.Embeddings;
using Xunit.Abstractions;

namespace MixtralPS.Embeddings.Tests;

/// <summary>
/// Our vectors against the reference encoders shipped in the model packages (SentenceEncoder, same ONNX file).
/// Their tokenizer is not Hugging Face's (no accent stripping, no CJK splitting, splits only on ' ' and CRLF,
/// drops words over 50 characters, loses [SEP] on truncation), so: with the same token ids our ONNX run,
/// pooling and normalisation must give the reference's vectors for every text; end to end, wherever the two
/// tokenizers agree. Our tokenizer is checked against Hugging Face's own in <see cref="TokenizerTests"/>.
/// </summary>
public sealed class ReferenceEncoderTests(ReferenceEncoderFixture fixture, ITestOutputHelper output)
    : IClassFixture<ReferenceEncoderFixture>
{
    private const float MinimumCosine = 0.9999f;

    [Fact]
    public void CorpusIsVaried()
    {
        Assert.True(fixture.Samples.Count >= 500);
        var kinds = fixture.Samples.GroupBy(s => s.Kind).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(10, kinds.Count);
        Assert.Contains(fixture.Samples, s => s.Text.Contains("\n\n", StringComparison.Ordinal));

        // The "long" texts go past the 512-token limit (by our tokenizer's count).
        var tokenizer = fixture.MiniLm.Provider.Tokenizer;
        Assert.True(fixture.Samples.Count(s => tokenizer.Encode(s.Text, 512).Truncated) >= 20);
    }

    [Fact]
    public void MiniLmSameTokensGiveTheReferenceVectors() => SameTokensGiveTheReferenceVectors(fixture.MiniLm);

    [Fact]
    public void ArcticSameTokensGiveTheReferenceVectors() => SameTokensGiveTheReferenceVectors(fixture.Arctic);

    [Fact]
    public void MiniLmEndToEndMatchesWhereTokenizersAgree() => EndToEndMatchesWhereTokenizersAgree(fixture.MiniLm, 120);

    [Fact]
    public void ArcticEndToEndMatchesWhereTokenizersAgree() => EndToEndMatchesWhereTokenizersAgree(fixture.Arctic, 30);

    [Fact]
    public void ArcticQueriesGetThePrefix()
    {
        var comparison = fixture.Arctic;
        var queries = new[] { "what causes zidane to be banned from football?", "how do cells repair dna damage?" };
        var ours = comparison.Provider.Embed(queries, EmbeddingPurpose.Query);
        var prefix = comparison.Provider.ModelInfo.QueryPrefix;
        var reference = comparison.Reference.Encode(queries.Select(q => prefix + q).ToArray());
        for (var i = 0; i < queries.Length; i++)
        {
            Assert.True(TensorPrimitives.CosineSimilarity(ours[i].Vector, reference[i]) >= MinimumCosine);
        }

        var documents = comparison.Provider.Embed(queries, EmbeddingPurpose.Document);
        Assert.True(TensorPrimitives.CosineSimilarity(documents[0].Vector, ours[0].Vector) < 0.99f);
    }

    private void SameTokensGiveTheReferenceVectors(ModelComparison comparison)
    {
        var ours = comparison.Provider.EmbedTokenized(comparison.ReferenceIds);
        var worst = (Cosine: 1f, Index: -1);
        for (var i = 0; i < ours.Length; i++)
        {
            var cosine = TensorPrimitives.CosineSimilarity(ours[i], comparison.ReferenceVectors[i]);
            if (cosine < worst.Cosine)
            {
                worst = (cosine, i);
            }
        }

        output.WriteLine($"{comparison.Provider.Model}: {ours.Length} texts, lowest cosine {worst.Cosine:F7} (text {worst.Index})");
        Assert.True(worst.Cosine >= MinimumCosine, $"text {worst.Index}: cosine {worst.Cosine}");
        Assert.Contains(comparison.ReferenceIds, ids => ids.Length == 512);
    }

    private void EndToEndMatchesWhereTokenizersAgree(ModelComparison comparison, int atLeast)
    {
        var agreeing = Enumerable.Range(0, comparison.Samples.Count)
            .Where(i => comparison.Provider.Tokenize(comparison.Samples[i].Text, EmbeddingPurpose.Document).Ids
                .SequenceEqual(comparison.ReferenceIds[i]))
            .ToArray();
        output.WriteLine($"{comparison.Provider.Model}: tokenizers agree on {agreeing.Length} of {comparison.Samples.Count} texts");
        foreach (var kind in comparison.Samples.Select((s, i) => (s.Kind, Agrees: agreeing.Contains(i))).GroupBy(x => x.Kind))
        {
            output.WriteLine($"  {kind.Key}: {kind.Count(x => x.Agrees)}/{kind.Count()}");
        }

        Assert.True(agreeing.Length >= atLeast, $"only {agreeing.Length} texts tokenize alike");

        // At the model's default limit (256 for MiniLM): every agreeing text is under it, so nothing is cut.
        var provider = new OnnxEmbeddingProvider(ModelPaths.BaseDirectory, comparison.Provider.Model);
        var results = provider.Embed(agreeing.Select(i => comparison.Samples[i].Text).ToArray(), EmbeddingPurpose.Document);
        for (var k = 0; k < agreeing.Length; k++)
        {
            var i = agreeing[k];
            Assert.False(results[k].Truncated);
            Assert.Equal(comparison.ReferenceIds[i].Length, results[k].TokenCount);
            var cosine = TensorPrimitives.CosineSimilarity(results[k].Vector, comparison.ReferenceVectors[i]);
            Assert.True(cosine >= MinimumCosine, $"text {i} ({comparison.Samples[i].Kind}): cosine {cosine}");
        }
    }
}
