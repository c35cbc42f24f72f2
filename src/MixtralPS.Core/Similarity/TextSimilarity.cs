using MixtralPS.Core.Embeddings;

namespace MixtralPS.Core.Similarity;

/// <summary>How close two texts are: the comparison of one pair of embeddings.</summary>
public sealed class TextSimilarity
{
    public required string Text1 { get; init; }

    public required string Text2 { get; init; }

    /// <summary>Cosine similarity, from -1 to 1 (1: same direction).</summary>
    public required float Cosine { get; init; }

    /// <summary>Euclidean distance between the vectors (0: identical).</summary>
    public required float EuclideanDistance { get; init; }

    /// <summary>Whether <see cref="Cosine"/> reaches <see cref="Threshold"/>.</summary>
    public bool IsParaphrase => Cosine >= Threshold;

    public required float Threshold { get; init; }

    public required string Model { get; init; }

    /// <summary>Positions of the two texts in the input.</summary>
    public int Index1 { get; init; }

    public int Index2 { get; init; }

    public override string ToString() => $"{Cosine:0.000} {(IsParaphrase ? "paraphrase" : "different")}: \"{Text1}\" ~ \"{Text2}\"";
}

/// <summary>The order pairs come out in.</summary>
public enum SimilarityMetric
{
    /// <summary>Most similar first (highest cosine).</summary>
    Cosine,

    /// <summary>Closest first (smallest Euclidean distance).</summary>
    Euclidean,
}

/// <summary>Compares embedded texts: every pair once, or one reference against each of the others.</summary>
public static class SimilarityComparer
{
    /// <summary>
    /// Cosine thresholds above which two texts count as paraphrases, per model. Each model spreads its
    /// cosines differently (arctic's and mistral-embed's unrelated texts still score high), so one number
    /// cannot serve all; see docs for how they were chosen.
    /// </summary>
    /// <remarks>An int8 model takes the threshold of the model it was quantised from: its cosines are within 0.01 of those.</remarks>
    public static float DefaultThreshold(string model) =>
        (LocalModelCatalog.TryGet(model, out var local) && local.QuantizedFrom is { } source ? source : model).ToLowerInvariant() switch
    {
        "all-minilm-l6-v2" => 0.75f,
        "snowflake-arctic-embed-xs" => 0.85f,
        "mistral-embed" => 0.90f,
        _ => 0.80f,
    };

    public static IEnumerable<TextSimilarity> AllPairs(
        IReadOnlyList<(string Text, float[] Vector)> items, string model, float threshold, SimilarityMetric sortBy)
    {
        var pairs = new List<TextSimilarity>(items.Count * (items.Count - 1) / 2);
        for (var i = 0; i < items.Count; i++)
        {
            for (var j = i + 1; j < items.Count; j++)
            {
                pairs.Add(Compare(items[i], i, items[j], j, model, threshold));
            }
        }

        return Sort(pairs, sortBy);
    }

    public static IEnumerable<TextSimilarity> AgainstReference(
        (string Text, float[] Vector) reference, IReadOnlyList<(string Text, float[] Vector)> items, string model, float threshold, SimilarityMetric sortBy)
    {
        var pairs = items.Select((item, i) => Compare(reference, -1, item, i, model, threshold)).ToList();
        return Sort(pairs, sortBy);
    }

    private static TextSimilarity Compare((string Text, float[] Vector) a, int ia, (string Text, float[] Vector) b, int ib, string model, float threshold) => new()
    {
        Text1 = a.Text,
        Text2 = b.Text,
        Cosine = VectorMath.Cosine(a.Vector, b.Vector),
        EuclideanDistance = VectorMath.Euclidean(a.Vector, b.Vector),
        Threshold = threshold,
        Model = model,
        Index1 = ia,
        Index2 = ib,
    };

    private static IEnumerable<TextSimilarity> Sort(List<TextSimilarity> pairs, SimilarityMetric sortBy) => sortBy switch
    {
        SimilarityMetric.Euclidean => pairs.OrderBy(p => p.EuclideanDistance),
        _ => pairs.OrderByDescending(p => p.Cosine),
    };
}
