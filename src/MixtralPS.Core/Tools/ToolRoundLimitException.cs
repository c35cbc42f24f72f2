using MixtralPS.Core.Chat;

namespace MixtralPS.Core.Tools;

/// <summary>
/// The model still asked for tools when the round limit was reached. The response holds the conversation so
/// far: its last calls are answered as not run, so the history stays valid to continue from.
/// </summary>
public sealed class ToolRoundLimitException : Exception
{
    public ToolRoundLimitException(int maxRounds, ChatResponse response)
        : base($"The model still asked for tools after {maxRounds} tool round{(maxRounds == 1 ? "" : "s")} (the limit); " +
            $"its last calls ({string.Join(", ", response?.ToolCalls.Select(c => c.Name) ?? [])}) were not run.")
    {
        MaxRounds = maxRounds;
        Response = response ?? throw new ArgumentNullException(nameof(response));
    }

    public int MaxRounds { get; }

    /// <summary>The last response, with the whole conversation in its History and every tool run in ToolRuns.</summary>
    public ChatResponse Response { get; }
}
