namespace MixtralPS.Bench.Chat;

/// <summary>The targets; the bench reports against them but never fails because of them.</summary>
internal static class Targets
{
    /// <summary>Invoke-MixtralChat -Stream may add at most this much to the bare client's median TTFT and total.</summary>
    public const double StreamOverheadMs = 2.0;

    /// <summary>Import-Module may add at most this much to a bare pwsh start.</summary>
    public const double ImportMs = 300.0;

    public static string Verdict(bool met) => met ? "met" : "MISSED";
}
