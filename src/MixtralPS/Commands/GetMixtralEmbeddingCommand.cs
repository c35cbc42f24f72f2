using System.Management.Automation;
using MixtralPS.Core.Embeddings;
using MixtralPS.Infrastructure;

namespace MixtralPS.Commands;

/// <summary>
/// Turns text into embedding vectors, with the local model (offline, no key) or mistral-embed. Piped texts
/// are embedded in batches as they come, so memory stays flat on a long pipeline.
/// </summary>
[Cmdlet(VerbsCommon.Get, "MixtralEmbedding")]
[OutputType(typeof(TextEmbedding))]
public sealed class GetMixtralEmbeddingCommand : TextEmbeddingCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Content")]
    [AllowEmptyString]
    [AllowNull]
    public string?[] Text { get; set; } = [];

    /// <summary>Embed the texts as search queries (models with a query prefix use it).</summary>
    [Parameter]
    public SwitchParameter AsQuery { get; set; }

    /// <summary>Texts gathered before each embedding call (the API path further splits them into requests).</summary>
    [Parameter]
    [ValidateRange(1, 65536)]
    public int BatchSize { get; set; }

    /// <summary>Inputs per API request (the API takes at most 512).</summary>
    [Parameter]
    [ValidateRange(1, 512)]
    public int MaxBatchInputs { get; set; } = 512;

    /// <summary>Estimated tokens per API request.</summary>
    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int MaxBatchTokens { get; set; } = 16_384;

    private readonly List<(string Text, long Index)> pending = [];
    private long next;
    private long embedded;
    private int batchSize;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        batchSize = BatchSize > 0 ? BatchSize : EmbeddingModels.IsLocal(ModelName) ? 64 : MaxBatchInputs * ThrottleLimit;
    }

    protected override EmbeddingBatcher BatcherFor(string model) => new() { MaxInputs = MaxBatchInputs, MaxTokens = MaxBatchTokens };

    protected override void ProcessRecord()
    {
        foreach (var text in Text)
        {
            var index = next++;
            if (string.IsNullOrWhiteSpace(text))
            {
                WriteError(new ErrorRecord(
                    new ArgumentException($"Text {index} is empty or whitespace; there is nothing to embed."),
                    ErrorIdPrefix + "EmptyText", ErrorCategory.InvalidArgument, text));
                continue;
            }

            pending.Add((text!, index));
            if (pending.Count >= batchSize)
            {
                Flush();
            }
        }
    }

    protected override void EndProcessing()
    {
        Flush();
        if (embedded > batchSize)
        {
            WriteProgress(new ProgressRecord(1, "Embedding texts", "Done") { RecordType = ProgressRecordType.Completed });
        }

        base.EndProcessing();
    }

    private void Flush()
    {
        if (pending.Count == 0)
        {
            return;
        }

        var batch = pending.ToArray();
        pending.Clear();
        IReadOnlyList<EmbeddingResult> results;
        try
        {
            results = Embed(batch.Select(b => b.Text).ToArray(), AsQuery ? EmbeddingPurpose.Query : EmbeddingPurpose.Document);
        }
        catch (PipelineStoppedException)
        {
            throw;
        }
        catch (Exception ex)
        {
            // The batch is lost, not the pipeline: say which texts, and go on with the next batch.
            WriteItemError(ex, $"texts {batch[0].Index} to {batch[^1].Index}");
            return;
        }

        for (var i = 0; i < batch.Length; i++)
        {
            WriteObject(new TextEmbedding
            {
                Text = batch[i].Text,
                Vector = results[i].Vector,
                Model = Provider.Model,
                Index = batch[i].Index,
                TokenCount = results[i].TokenCount,
                Truncated = results[i].Truncated,
            });
        }

        embedded += batch.Length;
        if (embedded > batchSize)
        {
            WriteProgress(new ProgressRecord(1, "Embedding texts", $"{embedded} embedded with {Provider.Model}"));
        }
    }
}
