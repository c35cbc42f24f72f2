using System.Text.Json;
using MixtralPS.Core.Json;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Tools;

/// <summary>The API's tool_choice: one of its ToolChoiceEnum words, or a ToolChoice object naming one function.</summary>
public static class ToolChoices
{
    public static readonly IReadOnlyList<string> Modes = ["auto", "any", "none", "required"];

    /// <param name="choice">auto, any, none, required, or the name of one of the tools.</param>
    public static JsonElement Create(string choice, IEnumerable<Tool> tools)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(choice);
        ArgumentNullException.ThrowIfNull(tools);
        var mode = Modes.FirstOrDefault(m => m.Equals(choice, StringComparison.OrdinalIgnoreCase));
        if (mode is not null)
        {
            return JsonSerializer.SerializeToElement(mode, MistralJsonContext.Default.String);
        }

        var names = tools.Select(t => t.Function.Name).ToList();
        if (!names.Contains(choice, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"The tool choice '{choice}' is neither {string.Join(", ", Modes)} nor the name of a tool given ({(names.Count == 0 ? "none were given" : string.Join(", ", names))}).",
                nameof(choice));
        }

        var named = new ToolChoice { Function = new FunctionName { Name = choice } };
        return JsonSerializer.SerializeToElement(named, MistralJsonContext.Default.ToolChoice);
    }
}
