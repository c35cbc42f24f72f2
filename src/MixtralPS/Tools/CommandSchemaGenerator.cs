using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using MixtralPS.Core.Models;

namespace MixtralPS.Tools;

/// <summary>
/// Describes a command as a tool: its parameters (of the default parameter set, or a chosen one) as a JSON
/// schema, with types, required parameters, ValidateSet/Range/Length/Pattern/Count as the matching schema
/// keywords, and help text as descriptions. Common parameters are left out; the model may set no others.
/// </summary>
internal static class CommandSchemaGenerator
{
    private static readonly HashSet<string> CommonParameters =
        new(Cmdlet.CommonParameters.Concat(Cmdlet.OptionalCommonParameters), StringComparer.OrdinalIgnoreCase);

    public static CommandTool Create(string name, CommandInfo command, string? parameterSet, string? description, CommandHelpText help)
    {
        var set = ChooseSet(command, parameterSet);
        var properties = new JsonObject();
        var required = new JsonArray();
        var allowed = new Dictionary<string, CommandParameterInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in set.Parameters)
        {
            // Remaining-arguments parameters take whatever is left on a command line; a call has no such thing.
            if (CommonParameters.Contains(parameter.Name) || parameter.ValueFromRemainingArguments)
            {
                continue;
            }

            var schema = ForType(parameter.ParameterType, parameter.Attributes);
            var text = help.ForParameter(parameter.Name) ?? (string.IsNullOrWhiteSpace(parameter.HelpMessage) ? null : parameter.HelpMessage);
            if (text is not null)
            {
                schema["description"] = text;
            }

            properties[parameter.Name] = schema;
            allowed[parameter.Name] = parameter;
            if (parameter.IsMandatory)
            {
                required.Add(parameter.Name);
            }
        }

        var parameters = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0)
        {
            parameters["required"] = required;
        }

        parameters["additionalProperties"] = false;
        return new CommandTool
        {
            Definition = new Tool
            {
                Function = new FunctionDefinition
                {
                    Name = name,
                    Description = description ?? help.Synopsis ?? help.Description ?? $"Runs the PowerShell command {command.Name}.",
                    Parameters = ToElement(parameters),
                },
            },
            Command = command,
            Parameters = allowed,
        };
    }

    /// <summary>The names of a command's parameters that a tool may set (any parameter set).</summary>
    public static Dictionary<string, CommandParameterInfo> SettableParameters(CommandInfo command, string? parameterSet)
    {
        var result = new Dictionary<string, CommandParameterInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in ChooseSet(command, parameterSet).Parameters.Where(p => !CommonParameters.Contains(p.Name)))
        {
            result[parameter.Name] = parameter;
        }

        return result;
    }

    public static JsonElement ToElement(JsonNode node)
    {
        using var doc = JsonDocument.Parse(node.ToJsonString());
        return doc.RootElement.Clone();
    }

    private static CommandParameterSetInfo ChooseSet(CommandInfo command, string? name)
    {
        var sets = command.ParameterSets;
        var names = string.Join(", ", sets.Select(s => s.Name));
        if (name is not null)
        {
            return sets.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"{command.Name} has no parameter set '{name}'; its sets are: {names}.");
        }

        return sets.FirstOrDefault(s => s.IsDefault)
            ?? (sets.Count == 1 ? sets[0] : null)
            ?? throw new ArgumentException(
                $"{command.Name} has several parameter sets and no default one; choose one: @{{ Command = '{command.Name}'; ParameterSet = '<name>' }} (its sets are: {names}).");
    }

    private static JsonObject ForType(Type type, IEnumerable<Attribute> attributes)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var schema = ElementType(type) is { } element
            ? new JsonObject { ["type"] = "array", ["items"] = ForType(element, []) }
            : Scalar(type);

        // On an array parameter, the value rules apply to each item and the count rules to the array.
        var target = schema["items"] as JsonObject ?? schema;
        foreach (var attribute in attributes)
        {
            switch (attribute)
            {
                case ValidateSetAttribute set:
                    target["enum"] = new JsonArray(set.ValidValues.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
                    target.Remove("format");
                    break;
                case ValidateRangeAttribute range:
                    AddRange(target, range);
                    break;
                case ValidateLengthAttribute length:
                    target["minLength"] = length.MinLength;
                    target["maxLength"] = length.MaxLength;
                    break;
                case ValidatePatternAttribute pattern:
                    target["pattern"] = pattern.RegexPattern;
                    break;
                case ValidateCountAttribute count when schema != target:
                    schema["minItems"] = count.MinLength;
                    schema["maxItems"] = count.MaxLength;
                    break;
                case ValidateNotNullOrEmptyAttribute when schema != target:
                    schema["minItems"] ??= 1;
                    break;
                case ValidateNotNullOrEmptyAttribute when Is(target, "string"):
                    target["minLength"] ??= 1;
                    break;
            }
        }

        return schema;
    }

    private static JsonObject Scalar(Type type)
    {
        if (type == typeof(SwitchParameter) || type == typeof(bool))
        {
            return Typed("boolean");
        }

        if (type.IsEnum)
        {
            var names = Enum.GetNames(type).Select(n => (JsonNode?)JsonValue.Create(n)).ToArray();
            return new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(names) };
        }

        if (type == typeof(byte) || type == typeof(sbyte) || type == typeof(short) || type == typeof(ushort) || type == typeof(int)
            || type == typeof(uint) || type == typeof(long) || type == typeof(ulong) || type == typeof(BigInteger))
        {
            return Typed("integer");
        }

        if (type == typeof(float) || type == typeof(double) || type == typeof(decimal))
        {
            return Typed("number");
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (type == typeof(Guid))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "uuid" };
        }

        if (typeof(IDictionary).IsAssignableFrom(type) || type == typeof(PSObject) || type == typeof(PSCustomObject))
        {
            return Typed("object");
        }

        // Text for everything else, untyped parameters included: PowerShell's binding converts text to the
        // parameter's type where the type allows it, and reports it where it does not.
        return Typed("string");
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string) || typeof(IDictionary).IsAssignableFrom(type))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            ?.GetGenericArguments()[0];
    }

    private static void AddRange(JsonObject target, ValidateRangeAttribute range)
    {
        // ValidateRange(Positive) and its kin (PowerShell 6.1+) carry a kind instead of bounds; it is not public.
        var kind = typeof(ValidateRangeAttribute)
            .GetProperty("RangeKind", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)?.GetValue(range)?.ToString();
        switch (kind)
        {
            case "Positive":
                target["exclusiveMinimum"] = 0;
                return;
            case "NonNegative":
                target["minimum"] = 0;
                return;
            case "Negative":
                target["exclusiveMaximum"] = 0;
                return;
            case "NonPositive":
                target["maximum"] = 0;
                return;
        }

        if (Number(range.MinRange) is { } min)
        {
            target["minimum"] = min;
        }

        if (Number(range.MaxRange) is { } max)
        {
            target["maximum"] = max;
        }
    }

    /// <summary>A bound as a JSON number; bounds of other types (dates, strings) have no schema keyword.</summary>
    private static JsonNode? Number(object? value) => value switch
    {
        byte or sbyte or short or ushort or int or uint or long => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ulong u => JsonValue.Create(u),
        float or double or decimal => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        _ => null,
    };

    private static JsonObject Typed(string type) => new() { ["type"] = type };

    private static bool Is(JsonObject schema, string type) => schema["type"]?.GetValue<string>() == type;
}
