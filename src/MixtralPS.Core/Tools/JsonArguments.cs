using System.Collections;
using System.Globalization;
using System.Text.Json;

namespace MixtralPS.Core.Tools;

/// <summary>Reads tool-call arguments (JSON text) into .NET values: objects as hashtables, arrays as object[].</summary>
public static class JsonArguments
{
    /// <summary>A hashtable that matches keys the way PowerShell parameter names match: ignoring case.</summary>
    public static Hashtable NewTable() => new(StringComparer.OrdinalIgnoreCase);

    /// <returns>The arguments, or null and the reason they cannot be read.</returns>
    public static (Hashtable? Arguments, string? Error) TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            // Some models send "" for a function without parameters.
            return (NewTable(), null);
        }

        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(text);
            root = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return (null, $"The arguments are not valid JSON ({ex.Message})");
        }

        // Some models encode the arguments object twice, as a JSON string holding JSON.
        if (root.ValueKind == JsonValueKind.String && root.GetString() is { } inner && inner.TrimStart().StartsWith('{'))
        {
            return TryParse(inner);
        }

        return root.ValueKind switch
        {
            JsonValueKind.Object => ((Hashtable)ToValue(root)!, null),
            JsonValueKind.Null => (NewTable(), null),
            _ => (null, $"The arguments must be a JSON object of parameter names and values, not {Describe(root.ValueKind)}"),
        };
    }

    /// <summary>JSON as .NET values: whole numbers as int (or long), others as double, as ConvertFrom-Json does.</summary>
    public static object? ToValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => ToTable(element),
        JsonValueKind.Array => element.EnumerateArray().Select(ToValue).ToArray(),
        _ => Scalar(element),
    };

    /// <summary>A JSON string, number, true, false or null as its .NET value; each number as its own type (int, long, double).</summary>
    public static object? Scalar(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => Number(element),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>Boxed one by one: a conditional expression would make them all double and lose large whole numbers.</summary>
    private static object Number(JsonElement element)
    {
        if (element.TryGetInt32(out var i))
        {
            return i;
        }

        if (element.TryGetInt64(out var l))
        {
            return l;
        }

        return element.GetDouble();
    }

    /// <summary>A value as it reads in a message: strings quoted, arrays in brackets.</summary>
    public static string Display(object? value) => value switch
    {
        null => "null",
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        bool b => b ? "true" : "false",
        Hashtable h => "{" + string.Join(", ", h.Keys.Cast<object>().Select(k => $"{k}={Display(h[k])}")) + "}",
        object[] items => "[" + string.Join(", ", items.Select(Display)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static Hashtable ToTable(JsonElement element)
    {
        var table = NewTable();
        foreach (var property in element.EnumerateObject())
        {
            table[property.Name] = ToValue(property.Value);
        }

        return table;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => "true or false",
    };
}
