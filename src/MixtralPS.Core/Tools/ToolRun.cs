namespace MixtralPS.Core.Tools;

/// <summary>One tool call of a conversation and what came of it.</summary>
public sealed class ToolRun
{
    /// <summary>The tool round it belongs to, from 1.</summary>
    public int Round { get; init; }

    public required ToolCallRequest Call { get; init; }

    public ToolOutcomeKind Outcome { get; init; }

    /// <summary>What the model was sent back: the result as JSON, or an error object.</summary>
    public string Content { get; init; } = "";

    /// <summary>Why the call failed or did not run, in plain words; null when it ran.</summary>
    public string? Message { get; init; }

    /// <summary>The result's length before the size cap cut it; null when it was not cut.</summary>
    public int? CutFromLength { get; init; }

    public override string ToString() => $"{Call} -> {Outcome}";
}
