namespace MixtralPS.Core.Configuration;

/// <summary>The environment variables the module reads, and the defaults behind them.</summary>
public static class MixtralEnvironment
{
    public const string ApiKeyVariable = "MISTRAL_API_KEY";
    public const string EndpointVariable = "MISTRAL_ENDPOINT";
    public const string ChatModelVariable = "MIXTRAL_MODEL";
    public const string EmbeddingModelVariable = "MIXTRAL_EMBED_MODEL";

    /// <summary>open-mixtral-8x22b was retired on 2025-03-30; the API names this as its replacement.</summary>
    public const string DefaultChatModel = "mistral-small-latest";

    public static string? ApiKey => Read(ApiKeyVariable);

    public static string Endpoint => Read(EndpointVariable) ?? Client.MistralClientOptions.DefaultEndpoint;

    public static string ChatModel => Read(ChatModelVariable) ?? DefaultChatModel;

    public static string? EmbeddingModel => Read(EmbeddingModelVariable);

    private static string? Read(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
