using System.Text.Json;
using MixtralPS.Core.Chat;
using MixtralPS.Core.Json;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Tests;

public class SerializationTests
{
    [Fact]
    public void Request_uses_the_api_field_names_and_writes_no_unset_fields()
    {
        var options = new ChatOptions { Model = "m", MaxTokens = 5, RandomSeed = 3, SafePrompt = true, JsonObject = true, TopP = 0.5 };
        var json = JsonSerializer.Serialize(options.ToRequest([ChatMessage.User("hi")]), MistralJsonContext.Default.ChatCompletionRequest);
        using var doc = JsonDocument.Parse(json);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["max_tokens", "messages", "model", "random_seed", "response_format", "safe_prompt", "top_p"], names);
        var message = doc.RootElement.GetProperty("messages")[0];
        Assert.Equal(["content", "role"], message.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal("json_object", doc.RootElement.GetProperty("response_format").GetProperty("type").GetString());
    }

    [Fact]
    public void Assistant_message_with_tool_calls_writes_arguments_as_a_string()
    {
        var call = new ToolCall { Id = "c1", Function = new FunctionCall { Name = "f", Arguments = "{\"a\":1}" } };
        var json = JsonSerializer.Serialize(new List<ChatMessage> { ChatMessage.Assistant(null, [call]) }, MistralJsonContext.Default.ListChatMessage);
        Assert.Contains("\"arguments\":\"{\\u0022a\\u0022:1}\"", json);
        Assert.Contains("\"content\":null", json);
    }

    [Fact]
    public void Response_parsing_ignores_unknown_fields_and_reads_content_chunks()
    {
        const string body = """
            {"id":"x","object":"chat.completion","model":"m","created":1,"new_field":{"a":1},
             "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","extra":true,
               "content":[{"type":"thinking","thinking":[{"type":"text","text":"hmm"}]},{"type":"text","text":"Hello"},{"type":"text","text":" world"}]}}],
             "usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"prompt_audio_seconds":null}}
            """;
        var response = JsonSerializer.Deserialize(body, MistralJsonContext.Default.ChatCompletionResponse)!;
        Assert.Equal("Hello world", response.Choices[0].Message!.Content);
        Assert.Equal(3, response.Usage!.TotalTokens);
    }

    [Fact]
    public void Tool_call_arguments_are_read_from_an_object_or_a_string()
    {
        const string body = """
            {"choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"",
              "tool_calls":[{"id":"a","function":{"name":"f","arguments":{"x":1}}},{"id":"b","function":{"name":"g","arguments":"{\"y\":2}"}}]}}]}
            """;
        var calls = JsonSerializer.Deserialize(body, MistralJsonContext.Default.ChatCompletionResponse)!.Choices[0].Message!.ToolCalls!;
        Assert.Equal("{\"x\":1}", calls[0].Function.Arguments);
        Assert.Equal("{\"y\":2}", calls[1].Function.Arguments);
    }

    [Fact]
    public void Model_cards_read_retirement_fields()
    {
        const string body = """
            {"object":"list","data":[{"id":"open-mixtral-8x22b","capabilities":{"completion_chat":true,"function_calling":true},
              "deprecation":"2025-03-30T00:00:00Z","deprecation_replacement_model":"mistral-small-latest","type":"base"}]}
            """;
        var card = JsonSerializer.Deserialize(body, MistralJsonContext.Default.ModelList)!.Data[0];
        Assert.True(card.IsRetired(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.False(card.IsRetired(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal("mistral-small-latest", card.DeprecationReplacementModel);
        Assert.True(card.Capabilities.FunctionCalling);
    }
}
