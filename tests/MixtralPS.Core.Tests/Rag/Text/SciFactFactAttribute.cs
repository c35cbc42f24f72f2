namespace MixtralPS.Core.Tests.Rag.Text;

/// <summary>A test over SciFact's corpus (shared benchmark data, not in the repository). Without the data it is
/// skipped with the reason, except under CI=true, where it runs and fails on the missing file.</summary>
public sealed class SciFactFactAttribute : FactAttribute
{
    public SciFactFactAttribute()
    {
        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (!ci && !File.Exists(AnalyzerTexts.SciFactCorpus)) Skip = $"SciFact's corpus is not at {AnalyzerTexts.SciFactCorpus} (set MIXTRALPS_SCIFACT_DIR)";
    }
}
