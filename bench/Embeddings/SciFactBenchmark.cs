using System.Diagnostics;
using MixtralPS.Core.Embeddings;

namespace MixtralPS.Bench.Embeddings;

/// <summary>One SciFact run: embed corpus and test queries with a model at a token limit, search, score.</summary>
internal sealed record SciFactResult(
    string Model,
    int MaxTokens,
    double Ndcg10,
    double Ndcg10KeepingIdenticalIds,
    double Recall100,
    double? Target,
    int TruncatedDocuments,
    TimeSpan CorpusTime,
    TimeSpan QueryTime);

internal static class SciFactBenchmark
{
    public static SciFactResult Run(SciFactData data, string baseDirectory, string model, int maxTokens, double? target, Action<string> progress)
    {
        var provider = new OnnxEmbeddingProvider(baseDirectory, model, maxTokens);
        progress($"SciFact {model} @{maxTokens}: embedding {data.Corpus.Count} documents");
        var clock = Stopwatch.StartNew();
        var documents = new List<(string Id, float[] Vector)>(data.Corpus.Count);
        var truncated = 0;
        foreach (var batch in data.Corpus.Chunk(256))
        {
            var results = provider.Embed(batch.Select(d => d.Text).ToArray(), EmbeddingPurpose.Document);
            for (var i = 0; i < batch.Length; i++)
            {
                documents.Add((batch[i].Id, results[i].Vector));
                truncated += results[i].Truncated ? 1 : 0;
            }

            if (documents.Count % 1024 == 0)
            {
                progress($"  {documents.Count} documents, {documents.Count / clock.Elapsed.TotalSeconds:0.0}/s");
            }
        }

        var corpusTime = clock.Elapsed;
        clock.Restart();
        var queryResults = provider.Embed(data.Queries.Select(q => q.Text).ToArray(), EmbeddingPurpose.Query);
        var queries = data.Queries.Select((q, i) => (q.Id, queryResults[i].Vector)).ToList();
        var queryTime = clock.Elapsed;

        var ranked = Retrieval.Search(queries, documents, 100, skipIdenticalIds: true);
        var rankedKeeping = Retrieval.Search(queries, documents, 10, skipIdenticalIds: false);
        var result = new SciFactResult(
            model,
            maxTokens,
            Retrieval.MeanNdcg(ranked, data.Qrels, 10),
            Retrieval.MeanNdcg(rankedKeeping, data.Qrels, 10),
            Retrieval.MeanRecall(ranked, data.Qrels, 100),
            target,
            truncated,
            corpusTime,
            queryTime);
        progress($"  nDCG@10 {result.Ndcg10:0.00000} (keeping identical ids {result.Ndcg10KeepingIdenticalIds:0.00000}), Recall@100 {result.Recall100:0.0000}, corpus {corpusTime.TotalSeconds:0}s");
        return result;
    }
}
