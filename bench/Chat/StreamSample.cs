using System.Diagnostics;

namespace MixtralPS.Bench.Chat;

/// <summary>One timed streamed request: the client's start, its first and last content text, and its end (Stopwatch ticks).</summary>
internal readonly record struct StreamSample(long Start, long FirstText, long LastText, long End, int Chunks)
{
    public double TtftMs => Ms(Start, FirstText);
    public double TotalMs => Ms(Start, End);

    /// <summary>Last text to the end: finishing the response. In a paced stream the middle is the server's timing,
    /// so TTFT and tail are where a client's own cost shows.</summary>
    public double TailMs => Ms(LastText, End);

    /// <summary>Content chunks over the whole request, first byte of the request to the end.</summary>
    public double TokensPerSecond => Chunks / (TotalMs / 1000);

    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
}

/// <summary>The samples of one client in one scenario, summarised.</summary>
internal sealed record StreamSeries(string Client, IReadOnlyList<StreamSample> Samples)
{
    public Stats Ttft => Stats.Of(Samples.Select(s => s.TtftMs));
    public Stats Total => Stats.Of(Samples.Select(s => s.TotalMs));
    public Stats Tail => Stats.Of(Samples.Select(s => s.TailMs));
    public Stats TokensPerSecond => Stats.Of(Samples.Select(s => s.TokensPerSecond));
}
