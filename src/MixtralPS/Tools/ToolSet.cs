using System.Collections;
using System.Management.Automation;
using System.Text.Json;
using MixtralPS.Core.Models;
using MixtralPS.Core.Tools;
using MixtralPS.Infrastructure;

namespace MixtralPS.Tools;

/// <summary>
/// The tools of -Tool: commands (Get-Command output or a name), hashtables naming a command with a parameter
/// set or another name, and explicit definitions (Name, Description, Parameters as a JSON schema).
/// </summary>
internal sealed class ToolSet
{
    private static readonly string[] Keys = ["Name", "Description", "Parameters", "Command", "ParameterSet"];

    private readonly Dictionary<string, CommandTool> byName = new(StringComparer.Ordinal);

    private ToolSet()
    {
    }

    public IReadOnlyList<Tool> Definitions => byName.Values.Select(t => t.Definition).ToList();

    public IReadOnlyDictionary<string, CommandTool> ByName => byName;

    /// <param name="resolve">Finds a command by name where it is called from.</param>
    /// <exception cref="ArgumentException">A value that does not describe a tool.</exception>
    public static ToolSet Read(IEnumerable<object?> values, Func<string, CommandInfo?> resolve)
    {
        var set = new ToolSet();
        foreach (var value in values)
        {
            var tool = (value is PSObject pso ? pso.BaseObject : value) switch
            {
                null => throw new ArgumentException("-Tool has an empty entry."),
                CommandInfo command => FromCommand(command, null, null, null),
                string name => FromCommand(Resolve(name, resolve), null, null, null),
                Tool definition => new CommandTool { Definition = definition },
                IDictionary table => FromTable(table, resolve),
                var other => throw new ArgumentException(
                    $"-Tool takes commands (Get-Command ...), command names, or hashtables (@{{ Name; Description; Parameters }}), not {other.GetType().Name}."),
            };
            if (!set.byName.TryAdd(tool.Name, tool))
            {
                throw new ArgumentException($"Two tools are named '{tool.Name}'; give one another name: @{{ Command = ...; Name = '...' }}.");
            }
        }

        return set;
    }

    private static CommandTool FromTable(IDictionary table, Func<string, CommandInfo?> resolve)
    {
        string? Text(string key) => table.Contains(key) ? LanguagePrimitives.ConvertTo<string>(table[key]) : null;
        var unknown = table.Keys.Cast<object>().Select(k => k.ToString()!).Where(k => !Keys.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"A -Tool hashtable has keys {string.Join(", ", Keys)}; '{string.Join("', '", unknown)}' is not one of them.");
        }

        var command = table["Command"] switch
        {
            null => null,
            PSObject { BaseObject: CommandInfo info } => info,
            CommandInfo info => info,
            var named => Resolve(LanguagePrimitives.ConvertTo<string>(named), resolve),
        };
        var name = Text("Name");
        var description = Text("Description");
        if (table["Parameters"] is not { } parameters)
        {
            return command is not null
                ? FromCommand(command, name, Text("ParameterSet"), description)
                : throw new ArgumentException("A -Tool hashtable needs Command (a command to describe) or Name and Parameters (a JSON schema).");
        }

        if (string.IsNullOrEmpty(name) && command is null)
        {
            throw new ArgumentException("A -Tool definition needs a Name.");
        }

        JsonElement schema;
        try
        {
            schema = PSJson.ToJsonElement(parameters);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            throw new ArgumentException($"The Parameters of tool '{name}' are not a JSON schema: {ex.Message}", ex);
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"The Parameters of tool '{name}' must be a JSON schema object, such as @{{ type = 'object'; properties = @{{ id = @{{ type = 'string' }} }} }}.");
        }

        var runs = command is null ? null : Runnable(command);
        name = CheckName(string.IsNullOrEmpty(name) ? NameOf(command!) : name);
        var settable = runs is null ? [] : CommandSchemaGenerator.SettableParameters(runs, Text("ParameterSet"));
        var declared = schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            ? properties.EnumerateObject().Select(p => p.Name).ToList()
            : [];
        var missing = declared.Where(p => runs is not null && !settable.ContainsKey(p)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"The schema of tool '{name}' has parameters that {runs!.Name} does not: {string.Join(", ", missing)}.");
        }

        return new CommandTool
        {
            Definition = new Tool { Function = new FunctionDefinition { Name = name, Description = description, Parameters = schema } },
            Command = runs,
            Parameters = runs is null
                ? new Dictionary<string, CommandParameterInfo>(StringComparer.OrdinalIgnoreCase)
                : declared.ToDictionary(p => p, p => settable[p], StringComparer.OrdinalIgnoreCase),
        };
    }

    private static CommandTool FromCommand(CommandInfo command, string? name, string? parameterSet, string? description)
    {
        var runs = Runnable(command);
        return CommandSchemaGenerator.Create(CheckName(name ?? NameOf(command)), runs, parameterSet, description, CommandHelpText.For(runs));
    }

    /// <summary>An alias runs what it stands for; native programs have no named parameters to describe.</summary>
    private static CommandInfo Runnable(CommandInfo command)
    {
        var target = command is AliasInfo alias
            ? alias.ResolvedCommand ?? throw new ArgumentException($"The alias '{alias.Name}' points to '{alias.Definition}', which was not found.")
            : command;
        return target switch
        {
            CmdletInfo or FunctionInfo or ExternalScriptInfo => target,
            _ => throw new ArgumentException($"'{command.Name}' is a {target.CommandType}; a tool must be a cmdlet, function or script."),
        };
    }

    private static string NameOf(CommandInfo command) =>
        command is ExternalScriptInfo script ? Path.GetFileNameWithoutExtension(script.Path) : command.Name;

    private static string CheckName(string name) => ToolNames.IsValid(name)
        ? name
        : throw new ArgumentException($"The tool name '{name}' is not one the API accepts ({ToolNames.Rule}); give another: @{{ Command = ...; Name = 'get_thing' }}.");

    private static CommandInfo Resolve(string name, Func<string, CommandInfo?> resolve) =>
        resolve(name) ?? throw new ArgumentException($"The command '{name}' was not found; give a command that Get-Command finds.");
}
