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
        Rethrow(task);
        return task.Result;
    }

    /// <summary>
    /// Reads an async stream on a worker thread and hands its items to the pipeline thread as they arrive.
    /// Items that arrive together are taken without a wait each: a wait per item (a wait handle and a thread
    /// wake-up) cost more than parsing the item. Leaving the loop early stops the stream.
    /// </summary>
    protected IEnumerable<T> Pump<T>(Func<CancellationToken, IAsyncEnumerable<T>> stream)
    {
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(StopToken);
        var token = reading.Token;
        var queue = new BlockingCollection<T>();
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var item in stream(token).WithCancellation(token).ConfigureAwait(false))
                    {
                        queue.Add(item);
                    }
                }
                finally
                {
                    queue.CompleteAdding();
                }
            },
            CancellationToken.None);
        try
        {
            while (!queue.IsCompleted)
            {
                // The timeout only lets log lines of the worker through while the stream is quiet.
                if (queue.TryTake(out var item, 50))
                {
                    DrainVerbose();
                    yield return item;
                }
                else
                {
                    DrainVerbose();
                }
            }

            DrainVerbose();
            Rethrow(producer);
        }
        finally
        {
            reading.Cancel();
        }
    }

    /// <summary>Throws what a finished worker failed with; Ctrl+C becomes PowerShell's own stop.</summary>
    private void Rethrow(Task finished)
    {
        try
        {
            finished.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    protected void DrainVerbose()
    {
        while (verbose.TryDequeue(out var line))
        {
            WriteVerbose(line);
        }
    }

    protected override void EndProcessing() => DrainVerbose();
}
