using MixtralPS.Core.Chat;

namespace MixtralPS.Core.Tools;

/// <summary>One step of a tool conversation: streamed text (and a reasoning model's thinking), a finished tool call, or at the end the answer.</summary>
public sealed record ToolLoopUpdate(string Text, ToolRun? Run, ChatResponse? Final, string Thinking = "")
{
    public static ToolLoopUpdate From(ChatStreamUpdate update) => new(update.Text, null, update.Final, update.Thinking);

    public static ToolLoopUpdate Streamed(string text) => new(text, null, null);

    public static ToolLoopUpdate Ran(ToolRun run) => new("", run, null);

    public static ToolLoopUpdate Answered(ChatResponse response) => new("", null, response);
}
