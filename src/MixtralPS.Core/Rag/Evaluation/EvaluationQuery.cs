namespace MixtralPS.Core.Rag.Evaluation;

/// <summary>
/// A source that answers a question, and how well (a graded judgment: 1 relevant, 2 highly relevant...; 0 or less
/// is judged not relevant). <see cref="Source"/> is matched against result sources by <see cref="SourceMatcher"/>.
/// </summary>
public sealed record ExpectedSource(string Source, int Grade = 1);

/// <summary>One question of an evaluation and the sources that answer it.</summary>
public sealed record EvaluationQuery(string Id, string Text, IReadOnlyList<ExpectedSource> Expected)
{
    /// <summary>The expected sources judged relevant (grade above 0).</summary>
    public IEnumerable<ExpectedSource> Relevant => Expected.Where(e => e.Grade > 0);
}
