using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace MixtralPS.Bench.Chat;

/// <summary>
/// Stands in for the console: Write(text) is where Invoke-MixtralChat -Stream shows each delta, so the first
/// non-empty Write is the user's time to first token. Text is counted, not printed, to keep terminal cost out.
/// </summary>
internal sealed class TimingHostUserInterface : PSHostUserInterface
{
    public long FirstText { get; private set; }
    public long LastText { get; private set; }
    public int Writes { get; private set; }
    public int Characters { get; private set; }

    /// <summary>Called before each timed command.</summary>
    public void Reset()
    {
        FirstText = 0;
        LastText = 0;
        Writes = 0;
        Characters = 0;
    }

    public override void Write(string value)
    {
        if (string.IsNullOrEmpty(value)) return;
        LastText = Stopwatch.GetTimestamp();
        if (Writes++ == 0) FirstText = LastText;
        Characters += value.Length;
    }

    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Write(value);

    // Line ends, and the other streams (which PowerShell.Invoke collects in Streams anyway), are not timed.
    public override void WriteLine(string value) { }
    public override void WriteErrorLine(string value) { }
    public override void WriteDebugLine(string message) { }
    public override void WriteProgress(long sourceId, ProgressRecord record) { }
    public override void WriteVerboseLine(string message) { }
    public override void WriteWarningLine(string message) { }

    // No console window: commands that need one fail instead of measuring something else.
    public override PSHostRawUserInterface RawUI => null!;

    // A benchmark must never wait for input.
    public override string ReadLine() => throw NoInput();
    public override SecureString ReadLineAsSecureString() => throw NoInput();
    public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw NoInput();
    public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) => throw NoInput();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw NoInput();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
        PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw NoInput();

    private static NotSupportedException NoInput() => new("the benchmark host takes no input");
}
