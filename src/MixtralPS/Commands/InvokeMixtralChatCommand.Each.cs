using System.Diagnostics;
using System.Management.Automation;
using MixtralPS.Core.Chat;
using MixtralPS.Input;
using MixtralPS.Tools;

namespace MixtralPS.Commands;

/// <summary>-Each: one request per piped item, a few in flight, answers written in input order as they are ready.</summary>
public sealed partial class InvokeMixtralChatCommand
{
    private const int ProgressId = 1;
    private readonly List<object?> eachInputs = [];
    private readonly Stopwatch eachClock = new();
    private ChatBatch? batch;

    private void CheckEach()
    {
        if (!Each)
        {
            if (MyInvocation.BoundParameters.ContainsKey(nameof(ThrottleLimit)))
            {
                WriteWarning("-ThrottleLimit applies with -Each only; everything piped goes into one request.");
            }

            return;
        }

        var conflict = Stream ? "-Stream" : InvokeTools != ToolInvocationMode.None ? "-InvokeTools" : null;
        if (conflict is not null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-Each cannot be used with {conflict}: answers to many items come back as objects, in input order. Drop one of them."),
                ErrorIdPrefix + "EachConflict", ErrorCategory.InvalidArgument, null));
        }
    }

    private void AskEach(PipedInput piped)
    {
        var request = piped.Context is { } chunk ? Prepare(History, [], [chunk], [], InputObject)
            : piped.History is { } history ? Prepare(history, [], [], [], InputObject)
            : piped.Attachment is { } attachment ? Prepare(History, [], [], [attachment], InputObject)
            : Prepare(History, [piped.Item!], [], [], InputObject);
        if (request is null)
        {
            return;
        }

        batch ??= new ChatBatch(ThrottleLimit, StopToken);
        eachClock.Start();
        eachInputs.Add(InputObject);
        batch.Add(ct => Timed(() => Chat.CompleteAsync(options, request.Messages, ct, request.Sources)));
        while (batch.TryTakeNext(out var finished))
        {
            WriteEachResult(finished);
        }

        ShowEachProgress(total: null);
    }

    private void FinishEach()
    {
        while (batch!.Next is { } next)
        {
            WaitFor(next);
            batch.TryTakeNext(out _);
            WriteEachResult(next);
            ShowEachProgress(batch.Count);
        }

        WriteProgress(new ProgressRecord(ProgressId, "Invoke-MixtralChat -Each", "Done") { RecordType = ProgressRecordType.Completed });
    }

    private void WriteEachResult(Task<ChatResponse> finished)
    {
        var item = eachInputs[batch!.HandedOut - 1];
        if (finished.IsCompletedSuccessfully)
        {
            WriteResponse(finished.Result, item);
            return;
        }

        var error = finished.Exception?.InnerException ?? new OperationCanceledException();
        if (error is OperationCanceledException && StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }

        WriteItemError(error, item);
    }

    /// <param name="total">Items in all, once the pipeline has ended; before then, the ones received so far.</param>
    private void ShowEachProgress(int? total)
    {
        var done = batch!.HandedOut;
        var count = total ?? batch.Count;
        var record = new ProgressRecord(ProgressId, "Invoke-MixtralChat -Each",
            $"{done:N0} of {count:N0}{(total is null ? " so far" : "")} answered, {Math.Min(ThrottleLimit, count - done)} in flight");
        if (total is { } all && all > 0)
        {
            record.PercentComplete = (int)(100L * done / all);
            if (done > 0)
            {
                record.SecondsRemaining = (int)Math.Ceiling(eachClock.Elapsed.TotalSeconds / done * (all - done));
            }
        }

        WriteProgress(record);
    }
}
