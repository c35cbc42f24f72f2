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
    protected internal string ErrorIdPrefix => MyInvocation.MyCommand.Name.Replace("-", "");

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
        WaitFor(task);
        Rethrow(task);
        return task.Result;
    }

    /// <summary>
    /// Reads an async stream on the pipeline thread, writing log lines as they come. Items already received
    /// (a burst of chunks in one read) come without a wait or a thread switch each; only an item still on its way
    /// is waited for. Nothing reads ahead on another thread, so the thread that shows an item never competes
    /// with one parsing the next. Leaving the loop early stops the stream.
    /// </summary>
    protected IEnumerable<T> Pump<T>(Func<CancellationToken, IAsyncEnumerable<T>> stream)
    {
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(StopToken);
        var items = stream(reading.Token).GetAsyncEnumerator(reading.Token);
        try
        {
            while (true)
            {
                var next = items.MoveNextAsync();
                var more = next.IsCompletedSuccessfully ? next.Result : Wait(next.AsTask());
                if (!more)
                {
                    break;
                }

                yield return items.Current;
            }
        }
        finally
        {
            reading.Cancel();
            var disposed = items.DisposeAsync();
            if (!disposed.IsCompleted)
            {
                WaitFor(disposed.AsTask());
            }

            DrainVerbose();
        }
    }

    private bool Wait(Task<bool> next)
    {
        WaitFor(next);
        Rethrow(next);
        return next.Result;
    }

    /// <summary>
    /// Waits for a worker, writing its log lines meanwhile. It blocks at once rather than spinning first (as
    /// Task.Wait does): on two cores a spinning pipeline thread took the core the server and the socket's thread
    /// needed to produce the next chunk (bench/results/chat-2026-11-27.md: burst total +1.19 / +1.48 ms against
    /// +1.76 / +2.04 ms with Task.Wait).
    /// </summary>
    protected void WaitFor(Task task)
    {
        while (!task.IsCompleted)
        {
            ((IAsyncResult)task).AsyncWaitHandle.WaitOne(50);
            DrainVerbose();
        }

        DrainVerbose();
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
