using System.Diagnostics;

namespace MixtralPS.Core.Rag.Evaluation;

/// <summary>One search of an index: the question, the mode, how many chunks to return.</summary>
public delegate Task<IReadOnlyList<RagContextChunk>> RetrievalSearch(string question, RetrievalMode mode, int top, CancellationToken cancellationToken);

/// <summary>One question searched in one mode: the distinct sources found, their scores, the search's time.</summary>
public sealed record ModeRun(RetrievalMode Mode, IReadOnlyList<string> Sources, QueryScores Scores, double Milliseconds);

/// <summary>
/// Runs questions against an index in each mode and keeps their scores for the summary. Each search asks for
/// <see cref="Depth"/> chunks, which are reduced to distinct sources before scoring; a depth of 50 keeps the hybrid
/// fusion exactly as a Find-RagContext search of up to 50 chunks sees it (each half gives max(top, 50) candidates).
/// With <paramref name="halves"/>, Vector and Keyword run for every question even when not asked for, so each
/// result can say where each half alone ranked the expected source; only the modes asked for are summarised.
/// </summary>
public sealed class RetrievalEvaluator(RetrievalSearch search, IReadOnlyList<RetrievalMode> modes, int depth = RetrievalEvaluator.DefaultDepth, bool halves = false)
{
    public const int DefaultDepth = 50;

    private readonly Dictionary<RetrievalMode, (List<QueryScores> Scores, List<double> Ms)> results =
        modes.Distinct().ToDictionary(m => m, _ => (new List<QueryScores>(), new List<double>()));

    public int Depth { get; } = depth >= RetrievalMetrics.Cutoff ? depth : throw new ArgumentOutOfRangeException(nameof(depth), depth, $"The depth must be at least {RetrievalMetrics.Cutoff}.");

    /// <summary>The modes summarised, in the order asked for.</summary>
    public IReadOnlyList<RetrievalMode> Modes { get; } = modes.Distinct().ToList();

    /// <summary>The modes each question is searched in.</summary>
    public IReadOnlyList<RetrievalMode> SearchedModes { get; } = halves
        ? modes.Concat([RetrievalMode.Vector, RetrievalMode.Keyword]).Distinct().ToList()
        : modes.Distinct().ToList();

    /// <summary>Searches one question in each mode and keeps its scores.</summary>
    public async Task<IReadOnlyList<ModeRun>> EvaluateAsync(EvaluationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!query.Relevant.Any())
        {
            throw new ArgumentException($"The question '{query.Text}' has no expected source with a grade above 0.", nameof(query));
        }

        var runs = new List<ModeRun>(SearchedModes.Count);
        foreach (var mode in SearchedModes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var chunks = await search(query.Text, mode, Depth, cancellationToken).ConfigureAwait(false);
            var ms = clock.Elapsed.TotalMilliseconds;
            var sources = RetrievalMetrics.DistinctSources(chunks.Select(c => c.Source));
            runs.Add(new ModeRun(mode, sources, RetrievalMetrics.Score(sources, query.Expected), ms));
        }

        // Kept only once every mode has answered, so a question that failed counts in none.
        foreach (var run in runs.Where(r => results.ContainsKey(r.Mode)))
        {
            results[run.Mode].Scores.Add(run.Scores);
            results[run.Mode].Ms.Add(run.Milliseconds);
        }

        return runs;
    }

    /// <summary>One summary per mode asked for, over the questions evaluated so far.</summary>
    public IReadOnlyList<RetrievalQuality> Summaries(string? indexPath = null, string? dataset = null) =>
        Modes.Select(m => RetrievalQuality.Summarise(m.ToString(), results[m].Scores, results[m].Ms, indexPath, dataset)).ToList();

    /// <summary>Per mode asked for, where the question's expected source ranked, there and in each half alone.</summary>
    public IReadOnlyList<RetrievalQueryResult> Details(EvaluationQuery query, IReadOnlyList<ModeRun> runs)
    {
        var vector = runs.FirstOrDefault(r => r.Mode == RetrievalMode.Vector);
        var keyword = runs.FirstOrDefault(r => r.Mode == RetrievalMode.Keyword);
        return runs.Where(r => results.ContainsKey(r.Mode)).Select(r => new RetrievalQueryResult
        {
            Mode = r.Mode.ToString(),
            QueryId = query.Id,
            Query = query.Text,
            Expected = query.Relevant.Select(e => e.Source).ToArray(),
            Rank = r.Scores.Rank,
            VectorRank = vector?.Scores.Rank,
            KeywordRank = keyword?.Scores.Rank,
            NDCG10 = r.Scores.Ndcg10,
            Recall10 = r.Scores.Recall10,
            Hit1 = r.Scores.Hit1,
            Hit5 = r.Scores.Hit5,
            Milliseconds = r.Milliseconds,
            Found = r.Sources.Take(RetrievalMetrics.Cutoff).ToArray(),
        }).ToList();
    }
}
