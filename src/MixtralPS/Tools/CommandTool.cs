using System.Management.Automation;
using MixtralPS.Core.Models;

namespace MixtralPS.Tools;

/// <summary>A tool offered to the model, and the command that runs it (none for a definition given as a schema).</summary>
internal sealed class CommandTool
{
    public required Tool Definition { get; init; }

    public string Name => Definition.Function.Name;

    /// <summary>The command object itself, so a call never looks a name up again.</summary>
    public CommandInfo? Command { get; init; }

    /// <summary>The parameters the model may set, by name (case-insensitive): only those of the schema it was sent.</summary>
    public IReadOnlyDictionary<string, CommandParameterInfo> Parameters { get; init; } =
        new Dictionary<string, CommandParameterInfo>(StringComparer.OrdinalIgnoreCase);
}
