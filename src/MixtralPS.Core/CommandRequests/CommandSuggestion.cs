namespace MixtralPS.Core.CommandRequests;

/// <summary>
/// A command the model suggested for a request, and what checking it found. It is only a suggestion: nothing
/// has run. Its text form is the command.
/// </summary>
public sealed class CommandSuggestion
{
    public string Request { get; init; } = "";

    public string Command { get; init; } = "";

    public string Explanation { get; init; } = "";

    /// <summary>The command parses and every command it calls exists here.</summary>
    public bool Valid => Command.Length > 0 && ParseError is null && MissingCommands.Count == 0;

    /// <summary>Why the command does not parse (or why there is none); null when it parses.</summary>
    public string? ParseError { get; init; }

    /// <summary>Names of the commands it calls that Get-Command does not find here.</summary>
    public IReadOnlyList<string> MissingCommands { get; init; } = [];

    /// <summary>
    /// The parts that change state (files, processes, services, settings, packages, repositories), each as written
    /// in the command: a command with its arguments, a method call, or a redirection to a file. Empty when the
    /// command only reads, as far as these checks can tell.
    /// </summary>
    public IReadOnlyList<string> Changes { get; init; } = [];

    public string Model { get; init; } = "";

    /// <summary>Chat requests made: 2 when the first answer was sent back to be corrected.</summary>
    public int Attempts { get; init; }

    public override string ToString() => Command;
}
