namespace MixtralPS.Core.Client;

/// <summary>Where and how to reach a Mistral-compatible endpoint.</summary>
public sealed class MistralClientOptions
{
    public const string DefaultEndpoint = "https://api.mistral.ai";

    public Uri Endpoint { get; init; } = new(DefaultEndpoint);

    /// <summary>Null for keyless servers (Ollama, a local vLLM).</summary>
    public ApiKeyCredential? ApiKey { get; init; }

    /// <summary>Retries after the first attempt for 429, 5xx, time-outs and connection failures.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>Time allowed for one attempt to answer, and between two events of a stream.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>First retry delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts, a server's Retry-After included.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Send the key over plain http:// to a host that is not loopback.</summary>
    public bool AllowUnencryptedAuthentication { get; init; }

    /// <summary>Receives one line per HTTP attempt and retry, never with headers or the key.</summary>
    public Action<string>? Log { get; init; }

    internal void Validate()
    {
        if (!Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new MistralException(
                MistralErrorKind.Configuration,
                $"The endpoint '{Endpoint}' is not an http:// or https:// address.");
        }

        if (MaxRetries is < 0 or > 20)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), MaxRetries, "MaxRetries must be between 0 and 20.");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "Timeout must be positive.");
        }

        if (ApiKey is not null && Endpoint.Scheme == Uri.UriSchemeHttp && !Endpoint.IsLoopback && !AllowUnencryptedAuthentication)
        {
            throw new MistralException(
                MistralErrorKind.Configuration,
                $"Refusing to send the API key over unencrypted http:// to '{Endpoint.Host}'. Use an https:// endpoint, or allow unencrypted authentication explicitly if this network is trusted.");
        }
    }
}
