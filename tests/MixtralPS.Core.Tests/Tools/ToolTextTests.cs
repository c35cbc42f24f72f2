using System.Collections;
using System.Text.Json;
using MixtralPS.Core.Models;
using MixtralPS.Core.Tools;

namespace MixtralPS.Core.Tests.Tools;

public class ToolTextTests
{
    [Theory]
    [InlineData("""{"a":1,"b":"x"}""")]
    [InlineData("""  "{\"a\":1,\"b\":\"x\"}"  """)]
    public void Arguments_are_read_from_an_object_or_json_inside_a_string(string text)
    {
        var (arguments, error) = JsonArguments.TryParse(text);
        Assert.Null(error);
        Assert.Equal(1, arguments!["A"]);
        Assert.Equal("x", arguments["b"]);
    }

    [Fact]
    public void Arguments_keep_their_types_and_nest_as_hashtables_and_arrays()
    {
        var (arguments, _) = JsonArguments.TryParse("""{"i":3000000000,"d":1.5,"t":true,"n":null,"arr":[1,"two"],"obj":{"k":"v"}}""");
        Assert.Equal(3000000000L, arguments!["i"]);
        Assert.Equal(1.5, arguments["d"]);
        Assert.Equal(true, arguments["t"]);
        Assert.Null(arguments["n"]);
        Assert.Equal(new object[] { 1, "two" }, (object[])arguments["arr"]!);
        Assert.Equal("v", ((Hashtable)arguments["obj"]!)["K"]);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("null", true)]
    [InlineData("{", false)]
    [InlineData("[1]", false)]
    [InlineData("42", false)]
    public void Empty_arguments_are_no_arguments_and_others_say_what_is_wrong(string text, bool ok)
    {
        var (arguments, error) = JsonArguments.TryParse(text);
        Assert.Equal(ok, error is null);
        Assert.Equal(ok, arguments is not null);
    }

    [Fact]
    public void A_tool_call_reads_as_id_name_and_arguments()
    {
        var call = ToolCallRequest.From(new ToolCall { Id = "null", Function = new FunctionCall { Name = "f", Arguments = """{"x":"it's"}""" } });
        Assert.Null(call.Id);
        Assert.Equal("f(x='it''s')", call.ToString());
        var bad = ToolCallRequest.From(new ToolCall { Id = "c", Function = new FunctionCall { Name = "f", Arguments = "nope" } });
        Assert.NotNull(bad.ArgumentsError);
        Assert.Empty(bad.Arguments);
    }

    [Fact]
    public void Results_under_the_cap_are_kept_and_longer_ones_are_cut_with_a_note()
    {
        Assert.Equal(("short", null), ToolResultText.Cap("short", 100));
        var (text, cutFrom) = ToolResultText.Cap(new string('a', 150), 100);
        Assert.Equal(150, cutFrom);
        Assert.Equal(new string('a', 100) + "\n[Result cut: only the first 100 of 150 characters are shown.]", text);
        // A surrogate pair is not split.
        var (emoji, _) = ToolResultText.Cap(new string('a', 99) + "😀" + "bbbb", 100);
        Assert.StartsWith(new string('a', 99) + "\n", emoji);
    }

    [Fact]
    public void Errors_are_json_objects()
    {
        var error = ToolResultText.Error("It \"failed\".");
        Assert.Equal("It \"failed\".", JsonDocument.Parse(error).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public void Tool_choice_is_a_mode_or_an_object_naming_a_given_tool()
    {
        Tool[] tools = [new Tool { Function = new FunctionDefinition { Name = "get_x" } }];
        Assert.Equal("any", ToolChoices.Create("ANY", tools).GetString());
        var named = ToolChoices.Create("get_x", tools);
        Assert.Equal("function", named.GetProperty("type").GetString());
        Assert.Equal("get_x", named.GetProperty("function").GetProperty("name").GetString());
        Assert.Throws<ArgumentException>(() => ToolChoices.Create("GET_X", tools));
    }

    [Theory]
    [InlineData("Get-PaymentStatus", true)]
    [InlineData("get_weather", true)]
    [InlineData("get weather", false)]
    [InlineData("", false)]
    public void Tool_names_follow_the_api_rule(string name, bool valid) => Assert.Equal(valid, ToolNames.IsValid(name));
}
