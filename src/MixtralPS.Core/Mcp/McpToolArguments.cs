using System.Text.Json;

namespace MixtralPS.Core.Mcp;

/// <summary>A tool call's arguments that do not fit the tool's input schema; the call answers with a tool error.</summary>
public sealed class McpArgumentException(string message) : Exception(message);

/// <summary>
/// Reads a tool call's arguments against the tool's input schema (the server's own small schemas: strings,
/// bounded integers, enums, string lists), so that a bad call is a tool error the model can read, never a crash.
/// </summary>
internal sealed class McpToolArguments
{
    private readonly string tool;
    private readonly IDictionary<string, JsonElement> values;

    public McpToolArguments(string tool, IDictionary<string, JsonElement>? values, params string[] known)
    {
        this.tool = tool;
        this.values = values ?? new Dictionary<string, JsonElement>();
        var unknown = this.values.Keys.Where(k => !known.Contains(k, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new McpArgumentException($"{tool} has no argument '{string.Join("', '", unknown)}'; its arguments are {string.Join(", ", known)}.");
        }
    }

    public string RequiredString(string name) =>
        OptionalString(name) is { Length: > 0 } text && !string.IsNullOrWhiteSpace(text)
            ? text
            : throw new McpArgumentException($"{tool} needs '{name}', a non-empty string.");

    public string? OptionalString(string name)
    {
        if (!values.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new McpArgumentException($"{tool}: '{name}' must be a string, not {Kind(value)}.");
    }

    public int Integer(string name, int fallback, int min, int max)
    {
        if (!values.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            throw new McpArgumentException($"{tool}: '{name}' must be an integer from {min} to {max}, not {Kind(value)} {value.GetRawText()}.");
        }

        return number >= min && number <= max
            ? number
            : throw new McpArgumentException($"{tool}: '{name}' must be from {min} to {max}; {number} is out of range.");
    }

    /// <summary>One of <paramref name="allowed"/> (case-insensitive), as spelled there; null when not given.</summary>
    public string? Choice(string name, params string[] allowed)
    {
        if (OptionalString(name) is not { } text)
        {
            return null;
        }

        return allowed.FirstOrDefault(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase))
            ?? throw new McpArgumentException($"{tool}: '{name}' must be one of {string.Join(", ", allowed)}, not '{text}'.");
    }

    /// <summary>A string or a list of strings; null when not given.</summary>
    public IReadOnlyList<string>? Strings(string name)
    {
        if (!values.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return [value.GetString()!];
        }

        if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
        {
            return value.EnumerateArray().Select(e => e.GetString()!).ToList();
        }

        throw new McpArgumentException($"{tool}: '{name}' must be a string or a list of strings, not {Kind(value)}.");
    }

    private static string Kind(JsonElement value) => value.ValueKind.ToString().ToLowerInvariant();
}
