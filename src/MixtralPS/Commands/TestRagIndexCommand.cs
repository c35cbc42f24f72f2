using System.Management.Automation;
using MixtralPS.Completion;
using MixtralPS.Core.Rag;
using MixtralPS.Core.Rag.Evaluation;
using MixtralPS.Infrastructure;

namespace MixtralPS.Commands;

/// <summary>
/// Measures how well an index finds the right source for known questions: nDCG@10, Recall@10, MRR@10, Hit@1 and
/// Hit@5 per retrieval mode, over a BEIR folder's questions or piped Query/Expected objects. The index is a folder
/// (-Path) or lives in PostgreSQL (-ConnectionString, -Name); all access to it is in TestRagIndexCommand.Index.cs.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "RagIndex", DefaultParameterSetName = QuestionsInPath)]
[OutputType(typeof(RetrievalQuality), typeof(RetrievalQueryResult))]
public sealed partial class TestRagIndexCommand : EmbeddingCmdlet
{
    // Where the questions come from (piped Query/Expected, or a BEIR folder) times where the index lives (a folder,
    // or PostgreSQL): four parameter sets.
    private const string QuestionsInPath = "QuestionPath";
    private const string QuestionsInDatabase = "QuestionDatabase";
    private const string DatasetInPath = "DatasetPath";
    private const string DatasetInDatabase = "DatasetDatabase";

    /// <summary>The index folder made by New-RagIndex.</summary>
    [Parameter(ParameterSetName = QuestionsInPath, Mandatory = true, Position = 0)]
    [Parameter(ParameterSetName = DatasetInPath, Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RagIndexPathCompleter))]
    public string? Path { get; set; }

    /// <summary>An Npgsql connection string of the PostgreSQL database holding the index (default: $env:MIXTRALPS_RAG_CONNECTION).</summary>
    [Parameter(ParameterSetName = QuestionsInDatabase)]
    [Parameter(ParameterSetName = DatasetInDatabase)]
    [ValidateNotNullOrEmpty]
    public string? ConnectionString { get; set; }

    /// <summary>The index's name in the database (default: default).</summary>
    [Parameter(ParameterSetName = QuestionsInDatabase)]
    [Parameter(ParameterSetName = DatasetInDatabase)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RagIndexNameCompleter))]
    public string? Name { get; set; }

    /// <summary>A folder in the BEIR layout: queries.jsonl and qrels/test.tsv (the corpus indexed with Source = document id).</summary>
    [Parameter(Mandatory = true, ParameterSetName = DatasetInPath)]
    [Parameter(Mandatory = true, ParameterSetName = DatasetInDatabase)]
    [ValidateNotNullOrEmpty]
    public string Dataset { get; set; } = "";

    /// <summary>The qrels file of the dataset to use: qrels/&lt;Split&gt;.tsv.</summary>
    [Parameter(ParameterSetName = DatasetInPath)]
    [Parameter(ParameterSetName = DatasetInDatabase)]
    [ValidateNotNullOrEmpty]
    public string Split { get; set; } = "test";

    /// <summary>A question, usually from a piped object's Query property.</summary>
    [Parameter(Mandatory = true, ParameterSetName = QuestionsInPath, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = QuestionsInDatabase, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Query { get; set; } = "";

    /// <summary>The source or sources that answer the question: a full path or id, a path's tail ("docs/otters.md"), or a wildcard.</summary>
    [Parameter(Mandatory = true, ParameterSetName = QuestionsInPath, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = QuestionsInDatabase, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Expected { get; set; } = [];

    /// <summary>The retrieval modes to measure (default: every mode).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public RetrievalMode[] Mode { get; set; } = Enum.GetValues<RetrievalMode>();

    /// <summary>Chunks fetched per question before they are reduced to distinct sources and cut at 10.</summary>
    [Parameter]
    [ValidateRange(10, 1000)]
    public int Depth { get; set; } = RetrievalEvaluator.DefaultDepth;

    /// <summary>Also output, per question and mode, the rank of the expected source there and in each half alone.</summary>
    [Parameter]
    public SwitchParameter PerQuery { get; set; }

    private readonly List<EvaluationQuery> piped = [];

    private bool FromDataset => ParameterSetName is DatasetInPath or DatasetInDatabase;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        OpenIndex();
        Mode = UsableModes(Mode.Distinct().ToArray());
    }

    protected override int? RequestedMaxTokens => IndexMaxTokens;

    protected override void ProcessRecord()
    {
        if (!FromDataset)
        {
            var expected = Expected.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => new ExpectedSource(e)).ToList();
            if (string.IsNullOrWhiteSpace(Query) || expected.Count == 0)
            {
                WriteError(new ErrorRecord(new ArgumentException("A question needs a Query and at least one Expected source."),
                    ErrorIdPrefix + "InvalidQuestion", ErrorCategory.InvalidArgument, Query));
                return;
            }

            piped.Add(new EvaluationQuery((piped.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Query, expected));
        }
    }

    protected override void EndProcessing()
    {
        var questions = FromDataset ? ReadDataset() : piped;
        var dataset = FromDataset ? GetUnresolvedProviderPathFromPSPath(Dataset) : null;
        if (questions.Count == 0)
        {
            WriteWarning("There are no questions to evaluate.");
            base.EndProcessing();
            return;
        }

        var evaluator = new RetrievalEvaluator(SearchIndex, Mode, Depth, halves: PerQuery && HasKeywordIndex);
        PrepareSearch(evaluator.SearchedModes);
        var progress = new ProgressRecord(1, $"Testing {IndexFolder}", $"{questions.Count} questions, {string.Join(", ", evaluator.SearchedModes)}");
        for (var i = 0; i < questions.Count; i++)
        {
            var question = questions[i];
            progress.PercentComplete = i * 100 / questions.Count;
            progress.StatusDescription = $"Question {i + 1} of {questions.Count}: {question.Text}";
            WriteProgress(progress);
            IReadOnlyList<ModeRun> runs;
            try
            {
                runs = Run(ct => evaluator.EvaluateAsync(question, ct));
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (RagIndexException ex)
            {
                // The index itself failed (gone, damaged): every other question would fail the same way.
                ThrowTerminatingError(RagErrors.From(ex, ErrorIdPrefix));
                return;
            }
            catch (Exception ex)
            {
                WriteItemError(ex, question.Text);
                continue;
            }

            if (PerQuery)
            {
                WriteObject(evaluator.Details(question, runs), enumerateCollection: true);
            }
        }

        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        WriteObject(evaluator.Summaries(IndexFolder, dataset), enumerateCollection: true);
        base.EndProcessing();
    }

    private List<EvaluationQuery> ReadDataset()
    {
        var folder = GetUnresolvedProviderPathFromPSPath(Dataset);
        BeirQuestions read;
        try
        {
            read = BeirDataset.ReadQuestions(folder, Split);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            var category = ex is FileNotFoundException or DirectoryNotFoundException ? ErrorCategory.ObjectNotFound : ErrorCategory.InvalidData;
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIdPrefix + "InvalidDataset", category, folder));
            return [];
        }

        foreach (var warning in read.Warnings)
        {
            WriteWarning(warning);
        }

        return read.Queries.ToList();
    }
}
