namespace MixtralPS.Core.Tools;

/// <summary>
/// Runs the tools the model asks for. The tool loop decides what reaches it: only calls to tools that were
/// offered, by exact name, with arguments that are a JSON object. Consent, binding and the tool's own
/// errors are the executor's; it answers each call with an outcome rather than an exception.
/// </summary>
public interface IToolExecutor
{
    Task<ToolOutcome> ExecuteAsync(ToolCallRequest call, CancellationToken cancellationToken);
}
