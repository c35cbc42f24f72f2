using System.Text;

namespace MixtralPS.Core.Input;

/// <summary>
/// What is known of one error, in neutral terms (the cmdlet layer fills it from an ErrorRecord or an exception),
/// to be explained by a model. <see cref="Render"/> does not redact: callers pass its text through
/// <see cref="SecretRedactor"/> before it goes anywhere.
/// </summary>
public sealed class ErrorReport
{
    /// <summary>The longest a field is rendered; longer ones are cut, with a note.</summary>
    public const int MaxFieldChars = 4000;

    public const int MaxInnerExceptions = 5;

    public const int MaxInnerMessageChars = 1000;

    public const int MaxTargetChars = 200;

    public string ExceptionType { get; set; } = "";

    public string Message { get; set; } = "";

    /// <summary>The inner exceptions, outermost first.</summary>
    public IReadOnlyList<(string Type, string Message)> InnerExceptions { get; set; } = [];

    public string? FullyQualifiedErrorId { get; set; }

    public string? Category { get; set; }

    /// <summary>The object the error is about, short (<see cref="DescribeTarget"/>).</summary>
    public string? Target { get; set; }

    /// <summary>The line of the command that failed.</summary>
    public string? CommandLine { get; set; }

    /// <summary>Where in the line (PowerShell's "At line:1 char:1" block).</summary>
    public string? PositionMessage { get; set; }

    public string? ScriptStackTrace { get; set; }

    /// <summary>The name the failing command was called by.</summary>
    public string? InvocationName { get; set; }

    public string? PowerShellVersion { get; set; }

    public string? OperatingSystem { get; set; }

    /// <summary>The error's own message when it says more than the exception's (ErrorDetails).</summary>
    public string? Details { get; set; }

    public string? RecommendedAction { get; set; }

    /// <summary>A compact block of "Label: value" lines; values of several lines are indented beneath their label.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        Add(text, "Exception", ExceptionType);
        Add(text, "Message", Message);
        Add(text, "Details", Details);
        var inner = InnerExceptions.Take(MaxInnerExceptions).ToList();
        for (var i = 0; i < inner.Count; i++)
        {
            var label = InnerExceptions.Count == 1 ? "Inner exception" : $"Inner exception {i + 1}";
            Add(text, label, $"{inner[i].Type}: {Shorten(inner[i].Message, MaxInnerMessageChars)}");
        }

        if (InnerExceptions.Count > inner.Count)
        {
            Add(text, "More inner exceptions", (InnerExceptions.Count - inner.Count).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Add(text, "FullyQualifiedErrorId", FullyQualifiedErrorId);
        Add(text, "Category", Category);
        Add(text, "Target", Target);
        Add(text, "Command", InvocationName);
        Add(text, "Command line", CommandLine);
        Add(text, "Position", PositionMessage);
        Add(text, "Script stack trace", ScriptStackTrace);
        Add(text, "Recommended action", RecommendedAction);
        Add(text, "PowerShell", PowerShellVersion);
        Add(text, "OS", OperatingSystem);
        return text.ToString().TrimEnd();
    }

    /// <summary>"Type: text" of a target object, at most <see cref="MaxTargetChars"/> characters.</summary>
    public static string DescribeTarget(string typeName, string? text) =>
        Shorten(string.IsNullOrEmpty(text) || text == typeName ? typeName : $"{typeName}: {text}", MaxTargetChars);

    /// <summary>
    /// The text, cut to at most <paramref name="maxChars"/> (plus a note) when longer. The cut falls on whitespace
    /// when there is some in the second half, so no short token is halved: half a key might no longer look like
    /// one to the redactor. A token longer than half the limit keeps enough of itself to still be recognised.
    /// </summary>
    public static string Shorten(string text, int maxChars)
    {
        if (text.Length <= maxChars)
        {
            return text;
        }

        var cut = maxChars;
        var space = text.AsSpan(0, maxChars + 1).LastIndexOfAny(" \t\r\n");
        if (space > maxChars / 2)
        {
            cut = space;
        }

        return $"{text[..cut].TrimEnd()} … ({text.Length - cut} more characters)";
    }

    private static void Add(StringBuilder text, string label, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        var lines = Shorten(value.Trim('\r', '\n'), MaxFieldChars).ReplaceLineEndings("\n").Split('\n');
        if (lines.Length == 1)
        {
            text.Append(label).Append(": ").Append(lines[0].Trim()).Append('\n');
            return;
        }

        text.Append(label).Append(":\n");
        foreach (var line in lines)
        {
            text.Append("  ").Append(line.TrimEnd()).Append('\n');
        }
    }
}
