using System.Globalization;
using System.Management.Automation.Host;

namespace MixtralPS.Bench.Chat;

/// <summary>The PowerShell host of the bench's runspace; all it adds is <see cref="TimingHostUserInterface"/>.</summary>
internal sealed class TimingHost : PSHost
{
    public TimingHostUserInterface TimingUI { get; } = new();

    public override string Name => "MixtralPS.Bench.Chat";
    public override Version Version { get; } = new(1, 0);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => TimingUI;
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;

    public override void SetShouldExit(int exitCode) { }
    public override void EnterNestedPrompt() => throw new NotSupportedException("no nested prompts in the benchmark host");
    public override void ExitNestedPrompt() => throw new NotSupportedException("no nested prompts in the benchmark host");
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}
