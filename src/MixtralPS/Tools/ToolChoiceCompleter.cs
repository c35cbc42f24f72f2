using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using MixtralPS.Core.Tools;

namespace MixtralPS.Tools;

/// <summary>Completes -ToolChoice with the API's modes (a tool's name is also accepted).</summary>
public sealed class ToolChoiceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        ToolChoices.Modes
            .Where(m => m.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(m => new CompletionResult(m, m, CompletionResultType.ParameterValue, m));
}
