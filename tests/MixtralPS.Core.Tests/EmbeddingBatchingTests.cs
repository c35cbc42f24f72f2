using MixtralPS.Core.Client;
using MixtralPS.Core.Embeddings;
using MixtralPS.Core.Similarity;
using MixtralPS.TestServer;

namespace MixtralPS.Core.Tests;

public sealed class EmbeddingBatchingTests : IClassFixture<ServerFixture>, IDisposable
{
    private readonly ServerFixture fixture;

    public EmbeddingBatchingTests(ServerFixture fixture)
    {
        this.fixture = fixture;
        fixture.Server.Reset();
    }

    public void Dispose() => Assert.Empty(fixture.Server.Violations);

    [Fact]
    public void Batches_respect_both_limits_and_keep_order()
    {
        var texts = Enumerable.Range(0, 100).Select(i => new string('a', i % 7 == 0 ? 300 : 30)).ToList();
        var batcher = new EmbeddingBatcher { MaxInputs = 9, MaxTokens = 120 };
        var ranges = batcher.Split(texts).ToList();
        Assert.Equal(Enumerable.Range(0, 100), ranges.SelectMany(r => Enumerable.Range(r.Start, r.Count)));
        foreach (var (start, count) in ranges)
        {
            Assert.InRange(count, 1, 9);
            var tokens = texts.Skip(start).Take(count).Sum(EmbeddingBatcher.EstimateTokens);
            Assert.True(count == 1 || tokens <= 120, $"batch at {start} holds {tokens} tokens");
        }
    }

    [Fact]
    public void A_text_over_the_token_limit_goes_alone()
    {
        var ranges = new EmbeddingBatcher { MaxTokens = 10 }.Split(["short", new string('x', 300), "short"]).ToList();
        Assert.Equal([(0, 1), (1, 1), (2, 1)], ranges);
    }

    [Fact]
    public void Token_estimates_count_cjk_and_emoji_per_character()
    {
        Assert.True(EmbeddingBatcher.EstimateTokens("日本語のテキスト") >= 8);
        Assert.True(EmbeddingBatcher.EstimateTokens("🙂🙂🙂") >= 3);
        Assert.InRange(EmbeddingBatcher.EstimateTokens(new string('a', 300)), 100, 102);
    }

    [Fact]
    public async Task Concurrent_requests_return_vectors_in_input_order()
    {
        var texts = Enumerable.Range(0, 57).Select(i => $"text number {i}").ToList();
        using var provider = new MistralEmbeddingProvider(fixture.Client()) { ThrottleLimit = 4, Batcher = new EmbeddingBatcher { MaxInputs = 5 } };
        var results = await provider.EmbedAsync(texts, EmbeddingPurpose.Document, default);
        Assert.Equal(12, provider.RequestCount);
        Assert.Equal(12, fixture.Server.Requests.Count);
        using var single = new MistralEmbeddingProvider(fixture.Client());
        for (var i = 0; i < texts.Count; i += 11)
        {
            var alone = (await single.EmbedAsync([texts[i]], EmbeddingPurpose.Document, default))[0];
            Assert.Equal(alone.Vector, results[i].Vector);
            Assert.Equal(1024, results[i].Vector.Length);
        }
    }

    [Fact]
    public async Task A_failed_batch_fails_the_call_with_the_api_error()
    {
        fixture.Server.Enqueue(new ScriptedReply { Path = "/v1/embeddings", Status = 400, Body = "{\"message\":\"Too many tokens\"}" });
        using var provider = new MistralEmbeddingProvider(fixture.Client()) { ThrottleLimit = 2, Batcher = new EmbeddingBatcher { MaxInputs = 2 } };
        var ex = await Assert.ThrowsAsync<MistralApiException>(() => provider.EmbedAsync(["a", "b", "c", "d", "e"], EmbeddingPurpose.Document, default));
        Assert.Equal("Too many tokens", ex.ApiMessage);
    }

    [Fact]
    public async Task Empty_texts_are_refused_before_any_request()
    {
        using var provider = new MistralEmbeddingProvider(fixture.Client());
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => provider.EmbedAsync(["ok", " "], EmbeddingPurpose.Document, default));
        Assert.Contains("Text 1", ex.Message);
        Assert.Empty(fixture.Server.Requests);
    }

    [Fact]
    public void Pairs_are_compared_once_and_sorted_by_the_metric()
    {
        (string, float[])[] items = [("a", [1f, 0f]), ("b", [0.8f, 0.6f]), ("c", [0f, 1f])];
        var byCosine = SimilarityComparer.AllPairs(items, "m", 0.75f, SimilarityMetric.Cosine).ToList();
        Assert.Equal(3, byCosine.Count);
        Assert.Equal(("a", "b"), (byCosine[0].Text1, byCosine[0].Text2));
        Assert.True(byCosine[0].IsParaphrase);
        Assert.Equal(0f, byCosine[2].Cosine, 5);
        var byDistance = SimilarityComparer.AllPairs(items, "m", 0.75f, SimilarityMetric.Euclidean).ToList();
        Assert.Equal(byDistance.Select(p => p.EuclideanDistance).Order(), byDistance.Select(p => p.EuclideanDistance));
        Assert.Throws<ArgumentException>(() => VectorMath.Cosine([1f, 2f], [1f]));
    }
}
