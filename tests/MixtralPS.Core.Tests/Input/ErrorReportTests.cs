using MixtralPS.Core.Input;

namespace MixtralPS.Core.Tests.Input;

/// <summary>The report of an error as the model reads it, and the question asked with it.</summary>
public sealed class ErrorReportTests
{
    private static ErrorReport ItemNotFound() => new()
    {
        ExceptionType = "System.Management.Automation.ItemNotFoundException",
        Message = "Cannot find path '/nope' because it does not exist.",
        InnerExceptions = [("System.IO.FileNotFoundException", "Could not find file '/nope'.")],
        FullyQualifiedErrorId = "PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand",
        Category = "ObjectNotFound",
        Target = ErrorReport.DescribeTarget("System.String", "/nope"),
        InvocationName = "Get-Item",
        CommandLine = "Get-Item /nope -ApiKey 'sk-live-0123456789abcdefABCDEF'",
        PositionMessage = "At line:1 char:1\n+ Get-Item /nope -ApiKey 'sk-live-0123456789abcdefABCDEF'\n+ ~~~~~~~~~~~~~~",
        ScriptStackTrace = "at <ScriptBlock>, <No file>: line 1",
        PowerShellVersion = "7.6.9",
        OperatingSystem = "Debian GNU/Linux 12 (bookworm)",
    };

    [Fact]
    public void Renders_each_field_on_a_labelled_line_and_indents_values_of_several_lines()
    {
        var text = ItemNotFound().Render();

        Assert.Equal(
            """
            Exception: System.Management.Automation.ItemNotFoundException
            Message: Cannot find path '/nope' because it does not exist.
            Inner exception: System.IO.FileNotFoundException: Could not find file '/nope'.
            FullyQualifiedErrorId: PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand
            Category: ObjectNotFound
            Target: System.String: /nope
            Command: Get-Item
            Command line: Get-Item /nope -ApiKey 'sk-live-0123456789abcdefABCDEF'
            Position:
              At line:1 char:1
              + Get-Item /nope -ApiKey 'sk-live-0123456789abcdefABCDEF'
              + ~~~~~~~~~~~~~~
            Script stack trace: at <ScriptBlock>, <No file>: line 1
            PowerShell: 7.6.9
            OS: Debian GNU/Linux 12 (bookworm)
            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void Leaves_out_fields_that_are_not_known()
    {
        var text = new ErrorReport { ExceptionType = "System.InvalidOperationException", Message = "Nope." }.Render();
        Assert.Equal("Exception: System.InvalidOperationException\nMessage: Nope.", text);
    }

    [Fact]
    public void Numbers_several_inner_exceptions_and_counts_those_beyond_the_limit()
    {
        var inner = Enumerable.Range(1, ErrorReport.MaxInnerExceptions + 2).Select(i => ("System.Exception", $"inner {i}")).ToList();
        var text = new ErrorReport { ExceptionType = "System.AggregateException", Message = "Several.", InnerExceptions = inner }.Render();

        Assert.Contains("Inner exception 1: System.Exception: inner 1\n", text);
        Assert.Contains($"Inner exception {ErrorReport.MaxInnerExceptions}: System.Exception: inner {ErrorReport.MaxInnerExceptions}\n", text);
        Assert.DoesNotContain($"inner {ErrorReport.MaxInnerExceptions + 1}", text);
        Assert.Contains("More inner exceptions: 2", text);
    }

    [Fact]
    public void Redacting_the_rendering_hides_the_key_in_the_command_line_and_keeps_the_rest()
    {
        var result = SecretRedactor.Redact(ItemNotFound().Render());

        Assert.Equal(2, result.Count);
        Assert.DoesNotContain("0123456789abcdef", result.Text);
        Assert.Contains("Command line: Get-Item /nope -ApiKey '[REDACTED]'", result.Text);
        Assert.Contains("FullyQualifiedErrorId: PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand", result.Text);
        Assert.Contains("Target: System.String: /nope", result.Text);
    }

    [Fact]
    public void Describes_a_target_by_type_and_text_within_the_limit()
    {
        Assert.Equal("System.String: /nope", ErrorReport.DescribeTarget("System.String", "/nope"));
        Assert.Equal("System.Object", ErrorReport.DescribeTarget("System.Object", "System.Object"));
        Assert.Equal("System.Object", ErrorReport.DescribeTarget("System.Object", null));

        var long_ = ErrorReport.DescribeTarget("System.String", string.Join(' ', Enumerable.Repeat("word", 200)));
        Assert.True(long_.Length <= ErrorReport.MaxTargetChars + 40, long_);
        Assert.EndsWith("more characters)", long_);
    }

    [Fact]
    public void Cuts_long_text_at_whitespace_so_that_no_key_is_halved()
    {
        var text = new string('x', 90) + " sk-live-0123456789abcdefABCDEF and more";
        var cut = ErrorReport.Shorten(text, 110);

        Assert.StartsWith(new string('x', 90) + " …", cut);
        Assert.DoesNotContain("sk-live", cut);
        Assert.Equal(text, ErrorReport.Shorten(text, text.Length));
    }

    [Fact]
    public void Cuts_a_field_longer_than_the_limit_with_a_note()
    {
        var text = new ErrorReport { ExceptionType = "X", Message = string.Join(' ', Enumerable.Repeat("abcd", 2000)) }.Render();
        Assert.True(text.Length < ErrorReport.MaxFieldChars + 100);
        Assert.Contains("more characters)", text);
    }

    [Fact]
    public void Asks_for_the_cause_and_a_fix_and_says_when_values_were_redacted()
    {
        var prompt = ErrorPrompt.Build("Exception: X\nMessage: -ApiKey [REDACTED]", 2);

        Assert.Contains("cause", prompt);
        Assert.Contains("fix", prompt);
        Assert.Contains("PowerShell", prompt);
        Assert.Contains("2 secret-looking values", prompt);
        Assert.Contains("[REDACTED]", prompt);
        Assert.EndsWith("Exception: X\nMessage: -ApiKey [REDACTED]\n--- end of report ---", prompt);

        Assert.Contains("One secret-looking value", ErrorPrompt.Build("Exception: X", 1));
        Assert.DoesNotContain("secret", ErrorPrompt.Build("Exception: X", 0));
    }
}
