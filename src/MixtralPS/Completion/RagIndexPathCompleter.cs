using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace MixtralPS.Completion;

/// <summary>Completes index paths to the *.ragidx folders under the folder being typed.</summary>
public sealed class RagIndexPathCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = wordToComplete.Trim('\'', '"');
        var directory = System.IO.Path.GetDirectoryName(typed);
        var here = CurrentFileSystemLocation();
        var search = System.IO.Path.Combine(here, string.IsNullOrEmpty(directory) ? "." : directory);
        if (!Directory.Exists(search))
        {
            return [];
        }

        var prefix = System.IO.Path.GetFileName(typed);
        return Directory.EnumerateDirectories(search, prefix + "*")
            .Where(d => d.EndsWith(".ragidx", StringComparison.OrdinalIgnoreCase))
            .Select(d => string.IsNullOrEmpty(directory) ? System.IO.Path.GetFileName(d) : System.IO.Path.Combine(directory, System.IO.Path.GetFileName(d)))
            .Order(StringComparer.OrdinalIgnoreCase)
            .Select(d => new CompletionResult(Quote(d), d, CompletionResultType.ProviderContainer, d))
            .ToList();
    }

    /// <summary>PowerShell's location, which is not the process's current directory; asked in a nested pipeline.</summary>
    private static string CurrentFileSystemLocation()
    {
        try
        {
            using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
            ps.AddCommand("Get-Location").AddParameter("PSProvider", "FileSystem");
            return ps.Invoke<PathInfo>().FirstOrDefault()?.ProviderPath ?? Environment.CurrentDirectory;
        }
        catch (Exception ex) when (ex is InvalidOperationException or PSInvalidOperationException or RuntimeException)
        {
            return Environment.CurrentDirectory;
        }
    }

    private static string Quote(string path) => path.IndexOfAny([' ', '\'', '$', '`', '(', ')']) >= 0 ? $"'{path.Replace("'", "''")}'" : path;
}
