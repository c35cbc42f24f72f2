using System.Numerics.Tensors;

namespace MixtralPS.Bench.Embeddings;

/// <summary>Exact cosine search and BEIR's nDCG@10 (pytrec_eval: gain = grade, discount log2(rank + 1)).</summary>
internal static class Retrieval
{
    /// <summary>Top <paramref name="k"/> document indexes per query by dot product (vectors are unit length).</summary>
    /// <param name="skipIdenticalIds">MTEB drops a hit whose document id equals the query id (its default for BEIR sets).</param>
    public static List<(string QueryId, List<string> Ranked)> Search(
        IReadOnlyList<(string Id, float[] Vector)> queries,
        IReadOnlyList<(string Id, float[] Vector)> documents,
        int k,
        bool skipIdenticalIds)
    {
        var results = new List<(string, List<string>)>(queries.Count);
        var scores = new float[documents.Count];
        foreach (var (queryId, query) in queries)
        {
            for (var d = 0; d < documents.Count; d++)
            {
                scores[d] = TensorPrimitives.Dot(query, documents[d].Vector);
            }

            var ranked = Enumerable.Range(0, documents.Count)
                .Where(d => !skipIdenticalIds || documents[d].Id != queryId)
                .OrderByDescending(d => scores[d])
                .ThenByDescending(d => documents[d].Id, StringComparer.Ordinal) // trec_eval breaks ties by id, descending
                .Take(k)
                .Select(d => documents[d].Id)
                .ToList();
            results.Add((queryId, ranked));
        }

        return results;
    }

    /// <summary>Mean nDCG@k over the judged queries.</summary>
    public static double MeanNdcg(IEnumerable<(string QueryId, List<string> Ranked)> results, Dictionary<string, Dictionary<string, int>> qrels, int k)
    {
        var values = new List<double>();
        foreach (var (queryId, ranked) in results)
        {
            var judged = qrels[queryId];
            var dcg = 0.0;
            for (var rank = 1; rank <= Math.Min(k, ranked.Count); rank++)
            {
                if (judged.TryGetValue(ranked[rank - 1], out var grade) && grade > 0)
                {
                    dcg += grade / Math.Log2(rank + 1);
                }
            }

            var ideal = judged.Values.Where(g => g > 0).OrderByDescending(g => g).Take(k)
                .Select((grade, i) => grade / Math.Log2(i + 2)).Sum();
            values.Add(ideal > 0 ? dcg / ideal : 0);
        }

        return values.Average();
    }

    /// <summary>Share of each query's relevant documents found in its top k, averaged (BEIR's Recall@k).</summary>
    public static double MeanRecall(IEnumerable<(string QueryId, List<string> Ranked)> results, Dictionary<string, Dictionary<string, int>> qrels, int k)
    {
        return results.Select(r =>
        {
            var relevant = qrels[r.QueryId].Where(p => p.Value > 0).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
            return relevant.Count == 0 ? 0 : (double)r.Ranked.Take(k).Count(relevant.Contains) / relevant.Count;
        }).Average();
    }
}
