using MixtralPS.Core.Tools;

namespace MixtralPS.Core.Tests.Tools;

/// <summary>An executor that answers from a function and records the calls it was given.</summary>
internal sealed class FakeToolExecutor(Func<ToolCallRequest, ToolOutcome> answer) : IToolExecutor
{
    public List<ToolCallRequest> Calls { get; } = [];

    public Task<ToolOutcome> ExecuteAsync(ToolCallRequest call, CancellationToken cancellationToken)
    {
        Calls.Add(call);
        return Task.FromResult(answer(call));
    }
}
