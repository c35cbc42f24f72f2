namespace MixtralPS.Core.Chat;

/// <summary>
/// Chat requests sent one per item, at most a given number in flight, whose answers are handed out in the order the
/// items came whatever order they finish in. Each request rides out rate limits with the client's own retries.
/// </summary>
public sealed class ChatBatch : IDisposable
{
    private readonly SemaphoreSlim slots;
    private readonly List<Task<ChatResponse>> requests = [];
    private readonly CancellationTokenSource stopping;
    private int handedOut;

    public ChatBatch(int throttleLimit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(throttleLimit, 1);
        slots = new SemaphoreSlim(throttleLimit, throttleLimit);
        stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    /// <summary>Items added so far.</summary>
    public int Count => requests.Count;

    /// <summary>Answers (or failures) handed out so far, in item order.</summary>
    public int HandedOut => handedOut;

    /// <summary>Queues one request; it starts as soon as a slot is free.</summary>
    public void Add(Func<CancellationToken, Task<ChatResponse>> ask) => requests.Add(RunAsync(ask));

    /// <summary>The next item's request, if it has finished.</summary>
    public bool TryTakeNext(out Task<ChatResponse> finished)
    {
        finished = null!;
        if (handedOut >= requests.Count || !requests[handedOut].IsCompleted)
        {
            return false;
        }

        finished = requests[handedOut++];
        return true;
    }

    /// <summary>The next item's request, finished or not; null when every item was handed out.</summary>
    public Task<ChatResponse>? Next => handedOut < requests.Count ? requests[handedOut] : null;

    /// <summary>Cancels what is still queued or in flight, so that no request outlives the command that made it.</summary>
    public void Dispose()
    {
        stopping.Cancel();
        stopping.Dispose();
    }

    private async Task<ChatResponse> RunAsync(Func<CancellationToken, Task<ChatResponse>> ask)
    {
        var token = stopping.Token;
        await slots.WaitAsync(token).ConfigureAwait(false);
        try
        {
            // A slot freed by a cancelled request may go to one queued behind it before it sees the cancellation.
            token.ThrowIfCancellationRequested();
            return await ask(token).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }
}
