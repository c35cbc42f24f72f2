namespace MixtralPS.Bench.Chat;

/// <summary>Median and 90th percentile of a set of timings (nearest-rank, no interpolation).</summary>
internal readonly record struct Stats(double Median, double P90, int Count)
{
    public static Stats Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return new Stats(double.NaN, double.NaN, 0);
        return new Stats(Percentile(sorted, 0.5), Percentile(sorted, 0.9), sorted.Length);
    }

    private static double Percentile(double[] sorted, double p)
    {
        if (p == 0.5 && sorted.Length % 2 == 0)
        {
            return (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
