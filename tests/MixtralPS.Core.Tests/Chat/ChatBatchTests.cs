using MixtralPS.Core.Chat;

namespace MixtralPS.Core.Tests.Chat;

public sealed class ChatBatchTests
{
    private static ChatResponse Answer(string text) => new() { Content = text };

    [Fact]
    public async Task Answers_come_in_item_order_whatever_order_they_finish_in()
    {
        using var batch = new ChatBatch(4, default);
        var gates = Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource<ChatResponse>()).ToList();
        foreach (var gate in gates)
        {
            batch.Add(_ => gate.Task);
        }

        gates[3].SetResult(Answer("3"));
        gates[1].SetResult(Answer("1"));
        Assert.False(batch.TryTakeNext(out _)); // the first item has not answered yet
        gates[0].SetResult(Answer("0"));
        gates[2].SetResult(Answer("2"));

        var order = new List<string>();
        while (batch.Next is { } next)
        {
            order.Add((await next).Content);
            Assert.True(batch.TryTakeNext(out var taken));
            Assert.Same(next, taken);
        }

        Assert.Equal(["0", "1", "2", "3"], order);
        Assert.Equal(4, batch.HandedOut);
    }

    [Fact]
    public async Task No_more_than_the_limit_run_at_once()
    {
        using var batch = new ChatBatch(2, default);
        var running = 0;
        var most = 0;
        for (var i = 0; i < 10; i++)
        {
            batch.Add(async ct =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref most, now);
                await Task.Delay(5, ct);
                Interlocked.Decrement(ref running);
                return Answer("x");
            });
        }

        while (batch.Next is { } next)
        {
            await next;
            batch.TryTakeNext(out _);
        }

        Assert.Equal(2, most);
    }

    [Fact]
    public async Task A_failed_item_fails_alone()
    {
        using var batch = new ChatBatch(2, default);
        batch.Add(_ => Task.FromException<ChatResponse>(new InvalidOperationException("bad")));
        batch.Add(_ => Task.FromResult(Answer("good")));
        var first = batch.Next!;
        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        batch.TryTakeNext(out _);
        Assert.Equal("good", (await batch.Next!).Content);
    }

    [Fact]
    public async Task Disposing_cancels_what_is_queued_or_in_flight()
    {
        var batch = new ChatBatch(1, default);
        batch.Add(async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return Answer("never");
        });
        batch.Add(_ => Task.FromResult(Answer("queued behind it")));
        var inFlight = batch.Next!;
        batch.Dispose();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => inFlight.WaitAsync(TimeSpan.FromSeconds(10)));
        batch.TryTakeNext(out _);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => batch.Next!.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                break;
            }
        }
    }
}
