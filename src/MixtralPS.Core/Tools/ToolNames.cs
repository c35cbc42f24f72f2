using System.Text.RegularExpressions;

namespace MixtralPS.Core.Tools;

/// <summary>What the API accepts as a function name.</summary>
public static partial class ToolNames
{
    public const string Rule = "1 to 64 letters, digits, underscores or dashes";

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex Pattern();
}
