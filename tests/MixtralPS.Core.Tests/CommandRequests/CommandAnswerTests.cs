using MixtralPS.Core.CommandRequests;

namespace MixtralPS.Core.Tests.CommandRequests;

/// <summary>Reading the command out of the forms models answer in.</summary>
public sealed class CommandAnswerTests
{
    [Fact]
    public void Reads_the_json_answer()
    {
        var answer = CommandAnswer.Read("""{"command": "Get-ChildItem -Recurse", "explanation": " Lists files. "}""");
        Assert.Equal(new CommandAnswer("Get-ChildItem -Recurse", "Lists files."), answer);
    }

    [Theory]
    [InlineData("```json\n{\"command\": \"Get-Date\", \"explanation\": \"The date.\"}\n```")]
    [InlineData("Here you are: {\"command\": \"Get-Date\", \"explanation\": \"The date.\"} Enjoy.")]
    [InlineData("{\"Command\": \"Get-Date\", \"Explanation\": \"The date.\"}")]
    [InlineData("Sure!\n```\n{\"command\": \"Get-Date\", \"explanation\": \"The date.\"}\n```")]
    public void Reads_json_in_a_fence_after_prose_or_with_other_casing(string content)
    {
        Assert.Equal(new CommandAnswer("Get-Date", "The date."), CommandAnswer.Read(content));
    }

    [Fact]
    public void Strips_a_fence_or_inline_code_marks_the_model_put_inside_the_json_command()
    {
        Assert.Equal("Get-Date", CommandAnswer.Read("""{"command": "```powershell\nGet-Date\n```", "explanation": ""}""")!.Command);
        Assert.Equal("Get-Date -Format o", CommandAnswer.Read("""{"command": "`Get-Date -Format o`", "explanation": ""}""")!.Command);
    }

    [Fact]
    public void Keeps_the_backticks_PowerShell_uses_as_escapes()
    {
        var command = "Write-Output \"a`tb\" `\n  -NoEnumerate";
        Assert.Equal(command, CommandAnswer.CleanCommand(command));
        Assert.Equal("`a` `b`", CommandAnswer.CleanCommand("`a` `b`"));
    }

    [Fact]
    public void Reads_a_fenced_code_block_with_the_text_around_it_as_the_explanation()
    {
        var answer = CommandAnswer.Read("Use this:\n```powershell\nGet-Process |\n    Sort-Object CPU\n```\nIt sorts by CPU.");
        Assert.Equal("Get-Process |\n    Sort-Object CPU", answer!.Command);
        Assert.Equal("Use this: It sorts by CPU.", answer.Explanation);
    }

    [Fact]
    public void Does_not_take_a_script_block_for_json()
    {
        var answer = CommandAnswer.Read("```powershell\nGet-ChildItem | Where-Object { $_.Length -gt 1GB }\n```");
        Assert.Equal("Get-ChildItem | Where-Object { $_.Length -gt 1GB }", answer!.Command);
        Assert.Equal("Get-Item . | ForEach-Object { $_.Name }", CommandAnswer.Read("Get-Item . | ForEach-Object { $_.Name }")!.Command);
    }

    [Fact]
    public void Takes_a_one_line_answer_as_the_command()
    {
        Assert.Equal(new CommandAnswer("Get-Location", ""), CommandAnswer.Read("  PS> Get-Location \n"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("I cannot help with that.\nIt is not a thing a command can do.")]
    [InlineData("{\"command\": \"\", \"explanation\": \"Nothing to do.\"}")]
    [InlineData("{\"explanation\": \"No command.\"}")]
    [InlineData("{\"command\": 42}")]
    [InlineData("{\"command\": \"Get-Date\"")]
    [InlineData("```powershell\n```")]
    public void Finds_no_command_in_prose_empty_or_broken_answers(string? content)
    {
        Assert.Null(CommandAnswer.Read(content));
    }

    [Fact]
    public void A_missing_explanation_is_empty()
    {
        Assert.Equal(new CommandAnswer("Get-Date", ""), CommandAnswer.Read("""{"command": "Get-Date"}"""));
    }
}
