using System.Collections.Concurrent;

namespace MixtralPS.Tools;

/// <summary>
/// Runs work handed over from other threads on the pipeline thread, the only thread that may run PowerShell
/// commands, write output or ask the user. The pipeline thread does that work while it waits for the task
/// that needs it (the tool loop), so a tool runs between the loop's steps as if called in place.
/// </summary>
internal sealed class PipelineThreadDispatcher : IDisposable
{
    private readonly int pipelineThread = Environment.CurrentManagedThreadId;
    private readonly ConcurrentQueue<Action> work = new();
    private readonly AutoResetEvent handedOver = new(false);

    /// <summary>Runs the function on the pipeline thread: at once when already on it, else when it next waits.</summary>
    public Task<T> InvokeAsync<T>(Func<T> function, CancellationToken cancellationToken)
    {
        if (Environment.CurrentManagedThreadId == pipelineThread)
        {
            try
            {
                return Task.FromResult(function());
            }
            catch (Exception ex)
            {
                return Task.FromException<T>(ex);
            }
        }

        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        work.Enqueue(() =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                done.TrySetCanceled(cancellationToken);
                return;
            }

            try
            {
                done.TrySetResult(function());
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        });
        handedOver.Set();
        return done.Task;
    }

    /// <summary>Blocks the pipeline thread until the task ends, doing the work handed to it meanwhile.</summary>
    /// <param name="whileWaiting">Called often, for example to write verbose lines from other threads.</param>
    public void Wait(Task task, Action whileWaiting)
    {
        var handles = new[] { ((IAsyncResult)task).AsyncWaitHandle, handedOver };
        while (!task.IsCompleted)
        {
            WaitHandle.WaitAny(handles, 50);
            while (work.TryDequeue(out var next))
            {
                next();
            }

            whileWaiting();
        }
    }

    public void Dispose() => handedOver.Dispose();
}
