using System.Management.Automation;
using System.Management.Automation.Language;
using MixtralPS.Core.CommandRequests;

namespace MixtralPS.CommandRequests;

/// <summary>What PowerShell's parser says about a suggested command: whether it parses, which commands it calls
/// are missing here, and which parts change state (judged by <see cref="CommandEffects"/>).</summary>
internal sealed record CommandCheck(string? ParseError, IReadOnlyList<string> MissingCommands, IReadOnlyList<string> Changes)
{
    /// <summary>Why the command does not parse, or null. Parsing needs no runspace, so any thread may call it.</summary>
    public static string? FindParseError(string command)
    {
        Parser.ParseInput(command, out _, out var errors);
        return errors.Length == 0 ? null : string.Join(" ", errors.Select(e =>
            $"Line {e.Extent.StartLineNumber}, column {e.Extent.StartColumnNumber}: {e.Message}"));
    }

    /// <param name="find">Looks a command up in the caller's session (Get-Command); null when it does not exist.</param>
    public static CommandCheck Run(string command, string? parseError, Func<string, CommandInfo?> find)
    {
        if (command.Length == 0 || parseError is not null)
        {
            return new CommandCheck(parseError, [], []);
        }

        var ast = Parser.ParseInput(command, out _, out _);
        var defined = ast.FindAll(a => a is FunctionDefinitionAst, true).Cast<FunctionDefinitionAst>()
            .Select(f => f.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = new List<string>();
        var changes = new List<(int Offset, string Text)>();
        foreach (var node in ast.FindAll(a => a is CommandAst or InvokeMemberExpressionAst or FileRedirectionAst, true))
        {
            switch (node)
            {
                case CommandAst call:
                    CheckCall(command, call, defined, find, missing, changes);
                    break;
                case InvokeMemberExpressionAst { Member: StringConstantExpressionAst method } invoke when CommandEffects.MethodChangesState(method.Value):
                    changes.Add((invoke.Extent.StartOffset, invoke.Extent.Text));
                    break;
                case FileRedirectionAst redirection when CommandEffects.RedirectionChanges(redirection.Location.Extent.Text):
                    changes.Add((redirection.Extent.StartOffset, redirection.Extent.Text));
                    break;
            }
        }

        return new CommandCheck(null, missing, changes.OrderBy(c => c.Offset).Select(c => c.Text).Distinct().ToList());
    }

    private static void CheckCall(
        string script, CommandAst call, HashSet<string> defined, Func<string, CommandInfo?> find, List<string> missing, List<(int, string)> changes)
    {
        var name = call.GetCommandName();
        if (name is null)
        {
            // & $block, & (Get-Thing): nothing to look up; what it runs is judged where it is written.
            return;
        }

        var info = defined.Contains(name) ? null : Find(name, find);
        if (info is null && !defined.Contains(name) && !missing.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            missing.Add(name);
        }

        var resolved = info is AliasInfo alias ? alias.ResolvedCommand?.Name ?? alias.Definition : info?.Name;
        var arguments = call.CommandElements.Skip(1).Select(ArgumentText).ToList();
        if (CommandEffects.ChangesState(name, arguments) || (resolved is not null && CommandEffects.ChangesState(resolved, arguments)))
        {
            // The command and its arguments, without its redirections (they are listed on their own).
            var start = call.CommandElements[0].Extent.StartOffset;
            changes.Add((start, script[start..call.CommandElements[^1].Extent.EndOffset]));
        }
    }

    private static CommandInfo? Find(string name, Func<string, CommandInfo?> find)
    {
        try
        {
            return find(name);
        }
        catch (Exception ex) when (ex is CommandNotFoundException or ArgumentException or RuntimeException)
        {
            return null;
        }
    }

    private static string ArgumentText(CommandElementAst element) => element switch
    {
        CommandParameterAst parameter => "-" + parameter.ParameterName + (parameter.Argument is { } value ? ":" + value.Extent.Text : ""),
        StringConstantExpressionAst text => text.Value,
        _ => element.Extent.Text,
    };
}
