using MixtralPS.Core.Chat;
using MixtralPS.Core.Client;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Tests;

public class ClientConfigurationTests
{
    [Theory]
    [InlineData("https://api.mistral.ai", "https://api.mistral.ai/v1/chat/completions")]
    [InlineData("https://api.mistral.ai/", "https://api.mistral.ai/v1/chat/completions")]
    [InlineData("http://localhost:11434/v1", "http://localhost:11434/v1/chat/completions")]
    [InlineData("http://127.0.0.1:8000/v1/", "http://127.0.0.1:8000/v1/chat/completions")]
    [InlineData("https://gateway.example/mistral", "https://gateway.example/mistral/v1/chat/completions")]
    public void Resolves_api_paths_with_or_without_v1(string endpoint, string expected)
    {
        var client = new MistralClient(new MistralClientOptions { Endpoint = new Uri(endpoint) });
        Assert.Equal(expected, client.ResolveUri("chat/completions").AbsoluteUri);
    }

    [Theory]
    [InlineData("http://models.example:8000", false, true)]
    [InlineData("http://models.example:8000", true, false)]
    [InlineData("http://localhost:8000", false, false)]
    [InlineData("http://127.0.0.1:8000", false, false)]
    [InlineData("http://[::1]:8000", false, false)]
    [InlineData("https://models.example", false, false)]
    public void Refuses_a_key_over_plain_http_to_other_hosts(string endpoint, bool allow, bool refused)
    {
        var options = new MistralClientOptions { Endpoint = new Uri(endpoint), ApiKey = new ApiKeyCredential("sk-1"), AllowUnencryptedAuthentication = allow };
        var ex = Record.Exception(() => new MistralClient(options));
        if (refused)
        {
            var mistral = Assert.IsType<MistralException>(ex);
            Assert.Equal(MistralErrorKind.Configuration, mistral.Kind);
            Assert.DoesNotContain("sk-1", mistral.Message);
        }
        else
        {
            Assert.Null(ex);
        }
    }

    [Fact]
    public void Keyless_http_endpoints_are_fine()
    {
        Assert.NotNull(new MistralClient(new MistralClientOptions { Endpoint = new Uri("http://ollama.lan:11434") }));
    }

    [Fact]
    public void Api_key_never_shows_itself()
    {
        var key = new ApiKeyCredential("sk-secret-123");
        Assert.Equal("***", key.ToString());
        Assert.Equal("before *** after", key.Redact("before sk-secret-123 after"));
    }

    [Theory]
    [InlineData(1.6, null, null)]
    [InlineData(null, 0.0, null)]
    [InlineData(null, 1.1, null)]
    [InlineData(null, null, -1)]
    public async Task Refuses_out_of_range_values_before_any_request(double? temperature, double? topP, int? seed)
    {
        // Port 9 on loopback: a request would fail with a connection error, not an argument error.
        var client = new MistralClient(new MistralClientOptions { Endpoint = new Uri("http://127.0.0.1:9"), MaxRetries = 0 });
        var request = new ChatOptions { Model = "m", Temperature = temperature, TopP = topP, RandomSeed = seed }.ToRequest([ChatMessage.User("x")]);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.CreateChatCompletionAsync(request));
    }

    [Fact]
    public void System_prompt_replaces_an_earlier_one()
    {
        var history = new[] { ChatMessage.System("old"), ChatMessage.User("a"), ChatMessage.Assistant("b") };
        var messages = ChatService.BuildMessages(history, "new", "c");
        Assert.Equal(["system", "user", "assistant", "user"], messages.Select(m => m.Role));
        Assert.Equal("new", messages[0].Content);
        Assert.Equal(4, ChatService.BuildMessages(history, null, "c").Count);
    }
}
