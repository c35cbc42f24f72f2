using System.Collections.Concurrent;
using System.Management.Automation;

namespace MixtralPS.Infrastructure;

/// <summary>
/// What every MixtralPS cmdlet shares: one cancellation source that Ctrl+C (StopProcessing) cancels, so it
/// reaches every HTTP call and loop; async core calls run to completion on the pipeline thread; and
/// messages from worker threads are written as verbose output from that thread.
/// </summary>
public abstract class MixtralCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentQueue<string> verbose = new();

    protected CancellationToken StopToken => stopping.Token;

    /// <summary>The cmdlet's name without the dash, the prefix of its error IDs (InvokeMixtralChat...).</summary>
    protected string ErrorIdPrefix => MyInvocation.MyCommand.Name.Replace("-", "");

    /// <summary>A thread-safe sink for core components' log lines.</summary>
    protected void LogFromAnyThread(string message) => verbose.Enqueue(message);

    protected override void StopProcessing() => stopping.Cancel();

    public void Dispose()
    {
        ReleaseResources();
        stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes what the command holds (files, locks), whether it ended, failed or was stopped.</summary>
    protected virtual void ReleaseResources()
    {
    }

    /// <summary>Runs an async core call, writing its log lines as they come; Ctrl+C stops the pipeline at once.</summary>
    protected T Run<T>(Func<CancellationToken, Task<T>> call)
    {
        var task = call(StopToken);
        while (!task.IsCompleted)
        {
            ((IAsyncResult)task).AsyncWaitHandle.WaitOne(50);
            DrainVerbose();
        }

        DrainVerbose();
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Waits for one step of an async stream; false at its end.</summary>
    protected bool MoveNext<T>(IAsyncEnumerator<T> enumerator) => Run(_ => enumerator.MoveNextAsync().AsTask());

    protected void DrainVerbose()
    {
        while (verbose.TryDequeue(out var line))
        {
            WriteVerbose(line);
        }
    }

    protected override void EndProcessing() => DrainVerbose();
}
