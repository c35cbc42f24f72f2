using System.Globalization;

namespace MixtralPS.Core.Input;

/// <summary>The question asked about an error: what caused it and how to fix it, with the (redacted) report.</summary>
public static class ErrorPrompt
{
    public static string Build(string renderedRedactedReport, int redactedCount)
    {
        var redacted = redactedCount switch
        {
            <= 0 => "",
            1 => $"\nOne secret-looking value in the report was replaced by {SecretRedactor.Placeholder} before it was sent; " +
                "do not ask for it, and write a placeholder where a command needs it.\n",
            _ => $"\n{redactedCount.ToString(CultureInfo.InvariantCulture)} secret-looking values in the report were replaced by " +
                $"{SecretRedactor.Placeholder} before it was sent; do not ask for them, and write placeholders where a command needs them.\n",
        };
        return "A PowerShell command failed with the error below. Explain its likely cause in a few sentences, then give a fix: " +
            "the corrected command or the PowerShell commands to run, in a code block, where that applies. " +
            "If the report is not enough to be sure, say what to check.\n" +
            redacted +
            "\n--- error report ---\n" +
            renderedRedactedReport.Trim() +
            "\n--- end of report ---";
    }
}
