using System.Text.Json;
using System.Text.Json.Nodes;
using MixtralPS.Core.Chat;
using MixtralPS.Core.Json;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Tests.Chat;

public sealed class ContentChunkTests
{
    private const string ThinkingAnswer = """
        {"role":"assistant","content":[
          {"type":"thinking","thinking":[{"type":"text","text":"Seven times eleven "},{"type":"text","text":"times thirteen."}],"signature":"sig1"},
          {"type":"reference","reference_ids":[1,"doc-2"]},
          {"type":"file","file_id":"f-123"},
          {"type":"text","text":"No: 1001 = 7 x 11 x 13."}]}
        """;

    private static string Json(ChatMessage message) =>
        JsonSerializer.Serialize(new List<ChatMessage> { message }, MistralJsonContext.Default.ListChatMessage);

    private static ChatMessage Read(string json) =>
        JsonSerializer.Deserialize(json, MistralJsonContext.Default.ListChatMessage.Options.GetTypeInfo(typeof(ChatMessage))) as ChatMessage
        ?? throw new InvalidOperationException();

    [Fact]
    public void A_question_with_attachments_is_sent_as_chunks_after_its_text()
    {
        var message = ChatMessage.User("What is this?", [new ImageUrlChunk("data:image/png;base64,AAAA"), new DocumentUrlChunk("https://x.test/a.pdf", "a.pdf")]);
        var json = JsonNode.Parse(Json(message))![0]!;
        Assert.Equal("""[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":"data:image/png;base64,AAAA"},{"type":"document_url","document_url":"https://x.test/a.pdf","document_name":"a.pdf"}]""",
            json["content"]!.ToJsonString());
        Assert.Equal("What is this?", message.Content);
    }

    [Fact]
    public void A_plain_message_stays_a_string()
    {
        Assert.Equal("""[{"role":"user","content":"hi"}]""", Json(ChatMessage.User("hi")));
        Assert.Equal("""[{"role":"user","content":"hi"}]""", Json(ChatMessage.User("hi", [])));
    }

    [Fact]
    public void An_answer_in_chunks_keeps_its_text_thinking_and_every_other_chunk()
    {
        var message = Read(ThinkingAnswer);
        Assert.Equal("No: 1001 = 7 x 11 x 13.", message.Content);
        Assert.Equal("Seven times eleven times thirteen.", message.Thinking);
        Assert.Collection(message.Parts!,
            p => Assert.Equal("sig1", Assert.IsType<ThinkChunk>(p).Signature),
            p => Assert.Equal(2, Assert.IsType<ReferenceChunk>(p).ReferenceIds.Count),
            p => Assert.Equal("file", Assert.IsType<UnknownChunk>(p).Type),
            p => Assert.IsType<TextChunk>(p));
    }

    [Fact]
    public void An_answer_in_chunks_goes_back_as_it_came()
    {
        var sent = JsonNode.Parse(Json(Read(ThinkingAnswer)))![0]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(ThinkingAnswer), sent), sent.ToJsonString());
    }

    [Fact]
    public void Streamed_thinking_is_kept_apart_from_the_answer()
    {
        var accumulator = new ChatStreamAccumulator();
        accumulator.Add(Chunk("""[{"type":"thinking","thinking":[{"type":"text","text":"Hmm, "}]}]"""));
        Assert.Equal("Hmm, ", accumulator.LastThinking);
        accumulator.Add(Chunk("""[{"type":"thinking","thinking":[{"type":"text","text":"seven."}]}]"""));
        var text = accumulator.Add(Chunk("\"No.\""));
        Assert.Equal("No.", text);
        Assert.Equal("", accumulator.LastThinking);
        Assert.Equal("No.", accumulator.Content);
        Assert.Equal("Hmm, seven.", accumulator.Thinking);
        var parts = accumulator.Parts()!;
        Assert.Equal("Hmm, seven.", Assert.IsType<ThinkChunk>(parts[0]).Text);
        Assert.Equal("No.", Assert.IsType<TextChunk>(parts[^1]).Text);
    }

    [Fact]
    public void A_plain_stream_has_no_parts()
    {
        var accumulator = new ChatStreamAccumulator();
        accumulator.Add(Chunk("\"Hello\""));
        Assert.Null(accumulator.Parts());
    }

    [Theory]
    [InlineData("{\"a\": 1}", "{\"a\": 1}")]
    [InlineData(" 1}", "{ 1}")]
    public void An_answer_starts_with_its_prefix_once(string answer, string expected) =>
        Assert.Equal(expected, new AnswerPrefix("{").Complete(answer));

    [Theory]
    [InlineData(new[] { "```power", "shell\nGet-Date" }, "\nGet-Date")]
    [InlineData(new[] { "Get-", "Date" }, "Get-Date")]
    [InlineData(new[] { "``", "`x" }, "```x")] // not a repeat after all: all of it is answer
    public void A_stream_that_repeats_the_prefix_shows_it_once(string[] pieces, string shown)
    {
        var prefix = new AnswerPrefix("```powershell");
        var text = string.Concat(pieces.Select(prefix.Filter)) + prefix.Flush();
        Assert.Equal(shown, text);
    }

    private static CompletionChunk Chunk(string contentJson) =>
        JsonSerializer.Deserialize($$"""{"id":"c","object":"chat.completion.chunk","model":"m","created":1,"choices":[{"index":0,"delta":{"content":{{contentJson}}},"finish_reason":null}]}""",
            MistralJsonContext.Default.CompletionChunk)!;
}
