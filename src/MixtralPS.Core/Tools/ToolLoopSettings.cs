namespace MixtralPS.Core.Tools;

/// <summary>Limits of a tool conversation.</summary>
public sealed class ToolLoopSettings
{
    public const int DefaultMaxRounds = 5;
    public const int DefaultMaxResultChars = 20_000;

    /// <summary>Tool rounds (the model asks, the tools run, the results go back) before the loop gives up.</summary>
    public int MaxRounds { get; init; } = DefaultMaxRounds;

    /// <summary>Longest result sent back; a longer one is cut with a note, since every round resends it.</summary>
    public int MaxResultChars { get; init; } = DefaultMaxResultChars;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRounds, 1, nameof(MaxRounds));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxResultChars, 100, nameof(MaxResultChars));
    }
}
