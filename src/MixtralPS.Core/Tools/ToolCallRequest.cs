using System.Collections;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Tools;

/// <summary>
/// A function the model asked to run, in the form users read: its id, its name and its arguments as a
/// hashtable. The arguments arrive as a JSON object or as JSON text; both end up here the same way.
/// </summary>
public sealed class ToolCallRequest
{
    public string? Id { get; init; }

    public string Name { get; init; } = "";

    /// <summary>The arguments by parameter name (case-insensitive); empty when they could not be read.</summary>
    public Hashtable Arguments { get; init; } = JsonArguments.NewTable();

    /// <summary>The arguments as the model sent them.</summary>
    public string ArgumentsJson { get; init; } = "";

    /// <summary>Why the arguments could not be read (not JSON, or not an object); null when they were.</summary>
    public string? ArgumentsError { get; init; }

    public static ToolCallRequest From(ToolCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var text = call.Function.Arguments ?? "";
        var (arguments, error) = JsonArguments.TryParse(text);
        return new ToolCallRequest
        {
            // The API's default id is the text "null"; a missing id is kept missing.
            Id = string.IsNullOrEmpty(call.Id) || call.Id == "null" ? null : call.Id,
            Name = call.Function.Name ?? "",
            Arguments = arguments ?? JsonArguments.NewTable(),
            ArgumentsJson = text,
            ArgumentsError = error,
        };
    }

    public override string ToString()
    {
        var pairs = Arguments.Keys.Cast<object>().Select(k => $"{k}={JsonArguments.Display(Arguments[k])}");
        return ArgumentsError is null ? $"{Name}({string.Join(", ", pairs)})" : $"{Name}({ArgumentsJson})";
    }
}
