using MixtralPS.Core.Input;

namespace MixtralPS.Core.Tests.Input;

public sealed class PipedPromptTests
{
    private static PipedData Row(string type, params (string Column, object? Value)[] cells) =>
        new(new DataRecord(type, cells.Select(c => c.Column).ToList(), cells.Select(c => c.Value).ToList()));

    [Fact]
    public void Piped_strings_follow_the_instruction_joined_with_newlines_in_one_block()
    {
        var prompt = PipedPrompt.Build("Join these", [new PipedText("alpha"), new PipedText("beta"), new PipedText("gamma")], InputFormat.Table);
        Assert.Equal("Join these\n\n<input type=\"text\">\nalpha\nbeta\ngamma\n</input>", prompt.Message);
        Assert.Equal(3, prompt.ItemsSent);
        Assert.False(prompt.WasCut);
    }

    [Fact]
    public void Lines_and_raw_text_give_the_same_message()
    {
        var lines = PipedPrompt.Build("Summarise", [new PipedText("one"), new PipedText(""), new PipedText("two")], InputFormat.Table);
        var raw = PipedPrompt.Build("Summarise", [new PipedText("one\n\ntwo\n")], InputFormat.Table);
        Assert.Equal(lines.Message, raw.Message);
        Assert.Equal(lines.ItemsTotal, raw.ItemsTotal);
    }

    [Fact]
    public void Text_without_an_instruction_is_the_message_itself()
    {
        var prompt = PipedPrompt.Build(null, [new PipedText("one"), new PipedText("two")], InputFormat.Table);
        Assert.Equal("one\ntwo", prompt.Message);
    }

    [Fact]
    public void Mixed_input_keeps_pipeline_order_and_rows_of_one_type_share_a_table()
    {
        var prompt = PipedPrompt.Build("Q", [
            new PipedText("intro"),
            Row("T", ("Name", "a")),
            Row("T", ("Name", "b")),
            Row("U", ("Id", 1)),
            new PipedBlock("error", "System.IO.IOException", "disk full"),
            new PipedText("outro"),
        ], InputFormat.Table);

        var text = prompt.Message.IndexOf("intro", StringComparison.Ordinal);
        var tableT = prompt.Message.IndexOf("of=\"T\" count=\"2\"", StringComparison.Ordinal);
        var tableU = prompt.Message.IndexOf("of=\"U\" count=\"1\"", StringComparison.Ordinal);
        var error = prompt.Message.IndexOf("<input type=\"error\" of=\"System.IO.IOException\">\ndisk full\n</input>", StringComparison.Ordinal);
        var outro = prompt.Message.IndexOf("outro", StringComparison.Ordinal);
        Assert.True(text > 0 && text < tableT && tableT < tableU && tableU < error && error < outro, prompt.Message);
        Assert.Equal(6, prompt.ItemsTotal);
    }

    [Theory]
    [InlineData(InputFormat.Csv, "type=\"csv\"")]
    [InlineData(InputFormat.Json, "type=\"json\"")]
    [InlineData(InputFormat.Table, "type=\"table\"")]
    public void The_block_names_the_form_of_its_data(InputFormat format, string expected) =>
        Assert.Contains(expected, PipedPrompt.Build("Q", [Row("T", ("Name", "a"))], format).Message);

    [Fact]
    public void A_limit_cuts_between_items_and_never_inside_one()
    {
        var items = Enumerable.Range(1, 200).Select(i => (PipedItem)new PipedText($"line number {i} of the log")).ToList();
        var full = PipedPrompt.Build("Q", items, InputFormat.Table);
        var cut = PipedPrompt.Build("Q", items, InputFormat.Table, maxDataTokens: full.DataTokens / 4);

        Assert.True(cut.WasCut);
        Assert.InRange(cut.ItemsSent, 1, 199);
        Assert.True(cut.DataTokens <= full.DataTokens / 4);
        Assert.Contains($"line number {cut.ItemsSent} of the log\n</input>", cut.Message);
        Assert.DoesNotContain($"line number {cut.ItemsSent + 1} of", cut.Message);

        // One more item would not have fitted: the cut is as late as it can be.
        var oneMore = PipedPrompt.Build("Q", items.Take(cut.ItemsSent + 1).ToList(), InputFormat.Table);
        Assert.True(oneMore.DataTokens > full.DataTokens / 4);
    }

    [Fact]
    public void Nothing_fits_a_limit_smaller_than_the_first_item()
    {
        var prompt = PipedPrompt.Build("Q", [new PipedText(new string('x', 400))], InputFormat.Table, maxDataTokens: 10);
        Assert.Equal(0, prompt.ItemsSent);
        Assert.Equal("Q", prompt.Message);
    }

    [Fact]
    public void Secrets_in_piped_data_are_redacted_and_the_message_says_so()
    {
        var prompt = PipedPrompt.Build("Why?", [new PipedText("Invoke-Thing -ApiKey sk-secret0123456789abcdefghij")], InputFormat.Table);
        Assert.DoesNotContain("sk-secret0123456789abcdefghij", prompt.Message);
        Assert.Contains(SecretRedactor.Placeholder, prompt.Message);
        Assert.True(prompt.Redactions > 0);
        Assert.Contains("replaced by [REDACTED] before sending", prompt.Message);
    }

    [Fact]
    public void The_instruction_is_sent_as_given()
    {
        var prompt = PipedPrompt.Build("Explain -ApiKey handling", [], InputFormat.Table);
        Assert.Equal("Explain -ApiKey handling", prompt.Message);
        Assert.Equal(0, prompt.Redactions);
    }
}
