using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using MixtralPS.Core.Embeddings;

namespace MixtralPS.Completion;

/// <summary>Completes embedding model names: the local models first, then the API's.</summary>
public sealed class EmbeddingModelCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = wordToComplete.Trim('\'', '"');
        return LocalModelCatalog.Models
            .Select(m => (m.Name, Tip: m.Description))
            .Concat(EmbeddingModels.ApiModels.Select(n => (Name: n, Tip: $"{n} through the API (needs a key)")))
            .Where(m => m.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(m => new CompletionResult(m.Name, m.Name, CompletionResultType.ParameterValue, m.Tip));
    }
}
