using MixtralPS.Core.Client;
using MixtralPS.TestServer;

namespace MixtralPS.Core.Tests;

/// <summary>One test server per test class; each test resets it and checks that its requests validated.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public MockMistralServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await MockMistralServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public MistralClient Client(int maxRetries = 3, TimeSpan? timeout = null, ApiKeyCredential? key = null) => new(new MistralClientOptions
    {
        Endpoint = Server.BaseAddress,
        MaxRetries = maxRetries,
        Timeout = timeout ?? TimeSpan.FromSeconds(30),
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        ApiKey = key,
    });
}
