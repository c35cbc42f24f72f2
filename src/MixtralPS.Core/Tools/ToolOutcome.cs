namespace MixtralPS.Core.Tools;

/// <summary>How one tool call ended, as the model is told.</summary>
public enum ToolOutcomeKind
{
    /// <summary>The tool ran; the content is its result.</summary>
    Succeeded,

    /// <summary>The call was refused or the tool failed; the model is told why.</summary>
    Failed,

    /// <summary>The user declined the call; the model is told, and the conversation goes on.</summary>
    Declined,

    /// <summary>Only shown, not run (-WhatIf): nothing is sent back and the conversation stops there.</summary>
    NotRun,
}

/// <summary>The answer to one tool call: what the model is sent, and for a refusal or failure, why in plain words.</summary>
public sealed record ToolOutcome(ToolOutcomeKind Kind, string Content, string? Message = null)
{
    public static ToolOutcome Success(string content) => new(ToolOutcomeKind.Succeeded, content);

    public static ToolOutcome Failure(string message) => new(ToolOutcomeKind.Failed, ToolResultText.Error(message), message);

    public static ToolOutcome Declined(string message) => new(ToolOutcomeKind.Declined, ToolResultText.Error(message), message);

    public static ToolOutcome NotRun(string message) => new(ToolOutcomeKind.NotRun, "", message);
}
