using System.Management.Automation;
using MixtralPS.Core.Embeddings;
using MixtralPS.Core.Similarity;
using MixtralPS.Infrastructure;

namespace MixtralPS.Commands;

/// <summary>
/// Compares texts by their embeddings: every pair once, or one -Reference against each, with cosine
/// similarity, Euclidean distance and whether they are paraphrases. Each text is embedded once, in a batch.
/// </summary>
[Cmdlet(VerbsData.Compare, "TextSimilarity")]
[OutputType(typeof(TextSimilarity))]
public sealed class CompareTextSimilarityCommand : TextEmbeddingCmdlet
{
    /// <summary>Texts (strings) or embeddings from Get-MixtralEmbedding.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Text")]
    [AllowEmptyString]
    public PSObject[] InputObject { get; set; } = [];

    /// <summary>Compare each input with this text (or embedding) instead of every pair.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNull]
    public PSObject? Reference { get; set; }

    /// <summary>Cosine similarity from which two texts count as paraphrases; the default depends on the model.</summary>
    [Parameter]
    [ValidateRange(-1.0, 1.0)]
    public float? Threshold { get; set; }

    /// <summary>The order of the output: most similar (Cosine) or closest (Euclidean) first.</summary>
    [Parameter]
    public SimilarityMetric Metric { get; set; } = SimilarityMetric.Cosine;

    private readonly List<object> inputs = [];

    protected override void ProcessRecord()
    {
        foreach (var item in InputObject)
        {
            switch (item?.BaseObject)
            {
                case TextEmbedding embedding:
                    inputs.Add(embedding);
                    break;
                case string text when !string.IsNullOrWhiteSpace(text):
                    inputs.Add(text);
                    break;
                default:
                    WriteError(new ErrorRecord(
                        new ArgumentException("Each input must be a non-empty text or an embedding from Get-MixtralEmbedding."),
                        ErrorIdPrefix + "InvalidInput", ErrorCategory.InvalidArgument, item));
                    break;
            }
        }
    }

    protected override void EndProcessing()
    {
        var reference = Reference?.BaseObject switch
        {
            null => null,
            TextEmbedding e => (object)e,
            string s when !string.IsNullOrWhiteSpace(s) => s,
            _ => null,
        };
        if (Reference is not null && reference is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-Reference must be a non-empty text or an embedding from Get-MixtralEmbedding."),
                ErrorIdPrefix + "InvalidReference", ErrorCategory.InvalidArgument, Reference));
        }

        if (inputs.Count < (reference is null ? 2 : 1))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException(reference is null
                    ? "Give at least two texts to compare, or a -Reference to compare them with."
                    : "Give at least one text to compare with the reference."),
                ErrorIdPrefix + "TooFewTexts", ErrorCategory.InvalidArgument, inputs.Count));
        }

        var all = reference is null ? inputs : inputs.Append(reference).ToList();
        if (Model is null && all.OfType<TextEmbedding>().FirstOrDefault() is { } first)
        {
            // Embeddings given as input decide the model, so they are compared in their own vector space.
            ModelName = first.Model;
        }

        var vectors = Vectorise(all);
        var threshold = Threshold ?? SimilarityComparer.DefaultThreshold(Provider.Model);
        var pairs = reference is null
            ? SimilarityComparer.AllPairs(vectors, Provider.Model, threshold, Metric)
            : SimilarityComparer.AgainstReference(vectors[^1], vectors.Take(vectors.Count - 1).ToList(), Provider.Model, threshold, Metric);
        WriteObject(pairs, enumerateCollection: true);
        base.EndProcessing();
    }

    /// <summary>Embeds the texts in one batch; embeddings given as input are reused when they are of the same model.</summary>
    private List<(string Text, float[] Vector)> Vectorise(IReadOnlyList<object> items)
    {
        foreach (var given in items.OfType<TextEmbedding>())
        {
            if (!string.Equals(given.Model, Provider.Model, StringComparison.OrdinalIgnoreCase))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"An input was embedded with '{given.Model}' but the comparison uses '{Provider.Model}'; vectors of different models cannot be compared. Pass -Model {given.Model}."),
                    ErrorIdPrefix + "ModelMismatch", ErrorCategory.InvalidArgument, given));
            }
        }

        var texts = items.OfType<string>().Distinct().ToArray();
        var embedded = new Dictionary<string, float[]>();
        if (texts.Length > 0)
        {
            try
            {
                var results = Embed(texts, EmbeddingPurpose.Document);
                for (var i = 0; i < texts.Length; i++)
                {
                    embedded[texts[i]] = results[i].Vector;
                }
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception ex)
            {
                ThrowTerminatingError(MixtralErrors.From(ex, ErrorIdPrefix, texts.Length, Key is not null));
            }
        }

        return items.Select(item => item is TextEmbedding e ? (e.Text, e.Vector) : ((string)item, embedded[(string)item])).ToList();
    }
}
