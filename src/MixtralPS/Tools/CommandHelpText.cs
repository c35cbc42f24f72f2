using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text;

namespace MixtralPS.Tools;

/// <summary>
/// A command's help, read for the tool's descriptions: comment-based help (and comments above a parameter)
/// for functions and scripts, Get-Help's MAML for cmdlets, and a parameter's HelpMessage otherwise.
/// </summary>
internal sealed class CommandHelpText
{
    private readonly Dictionary<string, string> parameters = new(StringComparer.OrdinalIgnoreCase);

    public string? Synopsis { get; private set; }

    public string? Description { get; private set; }

    public string? ForParameter(string name) => parameters.TryGetValue(name, out var text) ? text : null;

    public static CommandHelpText For(CommandInfo command)
    {
        var help = new CommandHelpText();
        var script = command switch
        {
            FunctionInfo f => f.ScriptBlock,
            ExternalScriptInfo s => s.ScriptBlock,
            _ => null,
        };
        if (script is not null)
        {
            help.ReadScript(script.Ast);
        }
        else if (command is CmdletInfo)
        {
            help.ReadMaml(command);
        }

        return help;
    }

    private void ReadScript(Ast ast)
    {
        var content = ast switch
        {
            FunctionDefinitionAst f => f.GetHelpContent(),
            ScriptBlockAst s => s.GetHelpContent(),
            _ => null,
        };
        Synopsis = Clean(content?.Synopsis);
        Description = Clean(content?.Description);
        foreach (var (name, text) in content?.Parameters ?? new Dictionary<string, string>())
        {
            if (Clean(text) is { } cleaned)
            {
                parameters[name] = cleaned;
            }
        }

        ReadParameterComments(ast);
    }

    /// <summary>Comments just above a parameter describe it, as Get-Help reads them.</summary>
    private void ReadParameterComments(Ast ast)
    {
        var declared = ast switch
        {
            FunctionDefinitionAst f => (f.Parameters ?? Enumerable.Empty<ParameterAst>()).Concat(f.Body.ParamBlock?.Parameters ?? Enumerable.Empty<ParameterAst>()).ToList(),
            ScriptBlockAst s => (s.ParamBlock?.Parameters ?? Enumerable.Empty<ParameterAst>()).ToList(),
            _ => [],
        };
        if (declared.Count == 0)
        {
            return;
        }

        Parser.ParseInput(ast.Extent.Text, out var tokens, out _);
        var origin = ast.Extent.StartOffset;
        foreach (var parameter in declared)
        {
            var name = parameter.Name.VariablePath.UserPath;
            if (parameters.ContainsKey(name))
            {
                continue;
            }

            var start = parameter.Extent.StartOffset - origin;
            var index = Array.FindLastIndex(tokens, t => t.Extent.EndOffset <= start);
            var lines = new List<string>();
            for (; index >= 0; index--)
            {
                var token = tokens[index];
                if (token.Kind == TokenKind.NewLine)
                {
                    continue;
                }

                if (token.Kind != TokenKind.Comment)
                {
                    break;
                }

                lines.Insert(0, token.Text.StartsWith("<#", StringComparison.Ordinal) ? token.Text[2..^2] : token.Text.TrimStart('#'));
            }

            if (Clean(string.Join("\n", lines)) is { } text)
            {
                parameters[name] = text;
            }
        }
    }

    private void ReadMaml(CommandInfo command)
    {
        Collection<PSObject> found;
        try
        {
            using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
            shell.AddCommand(@"Microsoft.PowerShell.Core\Get-Help")
                .AddParameter("Name", string.IsNullOrEmpty(command.ModuleName) ? command.Name : command.ModuleName + "\\" + command.Name)
                .AddParameter("ErrorAction", ActionPreference.SilentlyContinue);
            found = shell.Invoke();
        }
        catch (RuntimeException)
        {
            return;
        }

        // Without installed help, Get-Help makes up a page from the syntax; that says nothing new.
        if (found.FirstOrDefault() is not { } page || page.TypeNames.Any(t => t.Contains("ExtendedCmdletHelpInfo", StringComparison.Ordinal)))
        {
            return;
        }

        Synopsis = Clean(page.Properties["Synopsis"]?.Value as string);
        Description = Clean(TextOf(page.Properties["description"]?.Value));
        var list = (page.Properties["parameters"]?.Value as PSObject)?.Properties["parameter"]?.Value;
        foreach (var item in LanguagePrimitives.GetEnumerable(list) ?? Array.Empty<object>())
        {
            var entry = PSObject.AsPSObject(item);
            if (entry.Properties["name"]?.Value is string name && Clean(TextOf(entry.Properties["description"]?.Value)) is { } text)
            {
                parameters[name] = text;
            }
        }
    }

    /// <summary>MAML text is a list of paragraphs, each with a Text property.</summary>
    private static string? TextOf(object? value)
    {
        if (value is null)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var item in LanguagePrimitives.GetEnumerable(value) ?? new[] { value })
        {
            var paragraph = PSObject.AsPSObject(item);
            text.Append(paragraph.Properties["Text"]?.Value as string ?? paragraph.BaseObject as string).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Help text on one line-broken paragraph: trimmed, blank lines removed.</summary>
    private static string? Clean(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);
        return string.Join(" ", lines);
    }
}
