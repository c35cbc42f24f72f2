using MixtralPS.Core.Chat;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Tests;

public class StreamAccumulatorTests
{
    private static CompletionChunk Chunk(ChatMessage delta, string? finish = null, UsageInfo? usage = null) => new()
    {
        Id = "id",
        Model = "m",
        Usage = usage,
        Choices = [new CompletionResponseStreamChoice { Index = 0, Delta = delta, FinishReason = finish }],
    };

    [Fact]
    public void Joins_text_and_keeps_finish_reason_and_usage()
    {
        var acc = new ChatStreamAccumulator();
        Assert.Equal("", acc.Add(Chunk(new ChatMessage { Role = "assistant", Content = "" })));
        Assert.Equal("Hel", acc.Add(Chunk(new ChatMessage { Content = "Hel" })));
        Assert.Equal("lo", acc.Add(Chunk(new ChatMessage { Content = "lo" }, "stop", new UsageInfo { TotalTokens = 9 })));
        Assert.Equal("Hello", acc.Content);
        Assert.Equal("stop", acc.FinishReason);
        Assert.Equal(9, acc.Usage!.TotalTokens);
        Assert.Equal(3, acc.Chunks);
    }

    [Fact]
    public void Assembles_whole_tool_calls_sent_per_delta_as_mistral_does()
    {
        var acc = new ChatStreamAccumulator();
        acc.Add(Chunk(new ChatMessage { ToolCalls = [new ToolCall { Id = "a", Index = 0, Function = new FunctionCall { Name = "f", Arguments = "{\"x\":1}" } }] }));
        acc.Add(Chunk(new ChatMessage { ToolCalls = [new ToolCall { Id = "b", Index = 1, Function = new FunctionCall { Name = "g", Arguments = "{}" } }] }, "tool_calls"));
        var calls = acc.ToolCalls();
        Assert.Equal(["f", "g"], calls.Select(c => c.Function.Name));
        Assert.Equal("{\"x\":1}", calls[0].Function.Arguments);
    }

    [Fact]
    public void Assembles_tool_call_arguments_sent_in_pieces_as_openai_style_servers_do()
    {
        var acc = new ChatStreamAccumulator();
        acc.Add(Chunk(new ChatMessage { ToolCalls = [new ToolCall { Id = "a", Index = 0, Function = new FunctionCall { Name = "f", Arguments = "{\"x\"" } }] }));
        acc.Add(Chunk(new ChatMessage { ToolCalls = [new ToolCall { Index = 0, Function = new FunctionCall { Arguments = ":1}" } }] }));
        var call = Assert.Single(acc.ToolCalls());
        Assert.Equal("a", call.Id);
        Assert.Equal("{\"x\":1}", call.Function.Arguments);
    }
}
