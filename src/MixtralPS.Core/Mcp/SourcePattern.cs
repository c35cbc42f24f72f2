using System.Text;
using System.Text.RegularExpressions;

namespace MixtralPS.Core.Mcp;

/// <summary>Wildcard patterns on source names as PowerShell reads them (* and ?, case-insensitive), for callers outside PowerShell.</summary>
public static class SourcePattern
{
    /// <summary>A filter keeping sources that match any of the patterns; null (no filter) when there are none.</summary>
    public static Func<string, bool>? Filter(IReadOnlyList<string>? patterns)
    {
        if (patterns is null || patterns.Count == 0)
        {
            return null;
        }

        var regexes = patterns.Select(ToRegex).ToArray();
        return source => regexes.Any(r => r.IsMatch(source));
    }

    public static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        foreach (var c in pattern)
        {
            regex.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }
}
