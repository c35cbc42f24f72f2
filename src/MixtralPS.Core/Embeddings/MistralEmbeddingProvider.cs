using MixtralPS.Core.Client;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Embeddings;

/// <summary>
/// Embeddings through the API (mistral-embed, 1024 dimensions): inputs batched by count and estimated tokens,
/// requests run with bounded concurrency, retried by the client, results returned in input order.
/// </summary>
public sealed class MistralEmbeddingProvider : IEmbeddingProvider
{
    public const string DefaultModel = "mistral-embed";

    private readonly MistralClient client;

    public MistralEmbeddingProvider(MistralClient client, string model = DefaultModel, int? dimensions = null)
    {
        this.client = client ?? throw new ArgumentNullException(nameof(client));
        Model = string.IsNullOrWhiteSpace(model) ? DefaultModel : model;
        OutputDimension = dimensions;
        Dimensions = dimensions ?? (Model == DefaultModel ? 1024 : 0);
    }

    public string Model { get; }

    /// <summary>1024 for mistral-embed; 0 until the first answer for other models.</summary>
    public int Dimensions { get; private set; }

    /// <summary>mistral-embed takes up to 8,192 tokens per input; longer inputs are refused by the API, not cut.</summary>
    public int MaxTokens => 8192;

    /// <summary>Dimensions asked of models that can shorten their vectors (output_dimension); null for the default.</summary>
    public int? OutputDimension { get; }

    public EmbeddingBatcher Batcher { get; init; } = new();

    /// <summary>Requests in flight at once.</summary>
    public int ThrottleLimit { get; init; } = 4;

    /// <summary>Requests sent so far, for benchmarks and progress.</summary>
    public int RequestCount => requestCount;

    private int requestCount;

    public async Task<IReadOnlyList<EmbeddingResult>> EmbedAsync(
        IReadOnlyList<string> texts, EmbeddingPurpose purpose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        for (var i = 0; i < texts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(texts[i]))
            {
                throw new ArgumentException($"Text {i} is empty or whitespace; there is nothing to embed.", nameof(texts));
            }
        }

        var results = new EmbeddingResult[texts.Count];
        using var gate = new SemaphoreSlim(Math.Max(1, ThrottleLimit));
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = Batcher.Split(texts).Select(async range =>
        {
            await gate.WaitAsync(failed.Token).ConfigureAwait(false);
            try
            {
                await EmbedRangeAsync(texts, range.Start, range.Count, results, failed.Token).ConfigureAwait(false);
            }
            catch
            {
                // One failed batch fails the call; stop the others rather than spend requests on a lost cause.
                failed.Cancel();
                throw;
            }
            finally
            {
                gate.Release();
            }
        }).ToList();

        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The batch that failed first holds the real error.
            throw tasks.Select(t => t.Exception?.InnerException).First(e => e is not null and not OperationCanceledException)!;
        }

        return results;
    }

    private async Task EmbedRangeAsync(IReadOnlyList<string> texts, int start, int count, EmbeddingResult[] results, CancellationToken cancellationToken)
    {
        var request = new EmbeddingRequest
        {
            Model = Model,
            Input = Enumerable.Range(start, count).Select(i => texts[i]).ToList(),
            OutputDimension = OutputDimension,
        };
        Interlocked.Increment(ref requestCount);
        var response = await client.CreateEmbeddingsAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Data.Count != count)
        {
            throw new MistralException(
                MistralErrorKind.Protocol,
                $"The embeddings response had {response.Data.Count} vectors for {count} inputs.");
        }

        foreach (var item in response.Data)
        {
            if (item.Index < 0 || item.Index >= count)
            {
                throw new MistralException(MistralErrorKind.Protocol, $"The embeddings response named input {item.Index} of {count}.");
            }

            if (Dimensions == 0)
            {
                Dimensions = item.Embedding.Length;
            }

            results[start + item.Index] = new EmbeddingResult(item.Embedding, EmbeddingBatcher.EstimateTokens(texts[start + item.Index]), Truncated: false);
        }
    }

    public void Dispose()
    {
    }
}
