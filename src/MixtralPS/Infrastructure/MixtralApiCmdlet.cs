using System.Management.Automation;
using System.Net;
using System.Security;
using MixtralPS.Core.Client;
using MixtralPS.Core.Configuration;

namespace MixtralPS.Infrastructure;

/// <summary>A cmdlet that talks to a Mistral-compatible endpoint: the connection parameters and the client.</summary>
public abstract class MixtralApiCmdlet : MixtralCmdlet
{
    /// <summary>The API key; when absent, $env:MISTRAL_API_KEY; keyless servers need none.</summary>
    [Parameter]
    [ValidateNotNull]
    public SecureString? ApiKey { get; set; }

    /// <summary>The server's address; when absent, $env:MISTRAL_ENDPOINT, else https://api.mistral.ai.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Endpoint { get; set; }

    [Parameter]
    [ValidateRange(0, 20)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Seconds to wait for each API attempt and, where the command writes an index, for the writer lock.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 100;

    [Parameter]
    public SwitchParameter AllowUnencryptedAuthentication { get; set; }

    private MistralClient? client;
    private Uri endpoint = null!;

    /// <summary>The client, made on first use so that cmdlets working offline never need an endpoint.</summary>
    protected MistralClient Client => client ??= CreateClient();

    protected ApiKeyCredential? Key { get; private set; }

    /// <summary>Whether an endpoint was named (by parameter or environment) rather than the default one.</summary>
    protected bool EndpointConfigured => Endpoint is not null || Environment.GetEnvironmentVariable(MixtralEnvironment.EndpointVariable) is { Length: > 0 };

    protected override void BeginProcessing()
    {
        Key = ResolveKey();
        var endpointText = Endpoint ?? MixtralEnvironment.Endpoint;
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var parsed))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"The endpoint '{endpointText}' is not an absolute address such as https://api.mistral.ai or http://localhost:11434."),
                ErrorIdPrefix + "InvalidEndpoint",
                ErrorCategory.InvalidArgument,
                endpointText)
            {
                ErrorDetails = new ErrorDetails("") { RecommendedAction = "Pass -Endpoint or set $env:MISTRAL_ENDPOINT to the server's http(s) address." },
            });
        }

        endpoint = parsed!;
    }

    private MistralClient CreateClient()
    {
        MistralClient? created = null;
        try
        {
            created = new MistralClient(new MistralClientOptions
            {
                Endpoint = endpoint,
                ApiKey = Key,
                MaxRetries = MaxRetries,
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
                RetryBaseDelay = RetryBaseDelayFromEnvironment(),
                AllowUnencryptedAuthentication = AllowUnencryptedAuthentication,
                Log = LogFromAnyThread,
            });
        }
        catch (MistralException ex)
        {
            ThrowTerminatingError(MixtralErrors.From(ex, ErrorIdPrefix, endpoint.ToString(), Key is not null));
        }

        WriteVerbose($"Endpoint {endpoint}; " + (Key is null ? "no API key." : "API key from " + (ApiKey is null ? "$env:MISTRAL_API_KEY." : "-ApiKey.")));
        return created!;
    }

    /// <summary>Writes the error of one failed item, or stops the command when no later item can succeed.</summary>
    protected void WriteItemError(Exception ex, object? target)
    {
        if (ex is OperationCanceledException && StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }

        var record = MixtralErrors.From(ex, ErrorIdPrefix, target, Key is not null);
        if (ex is MistralException { Kind: MistralErrorKind.Unauthorized or MistralErrorKind.Forbidden or MistralErrorKind.Configuration })
        {
            ThrowTerminatingError(record);
        }

        WriteError(record);
    }

    private ApiKeyCredential? ResolveKey()
    {
        var text = ApiKey is not null ? new NetworkCredential("", ApiKey).Password : MixtralEnvironment.ApiKey;
        return string.IsNullOrWhiteSpace(text) ? null : new ApiKeyCredential(text!);
    }

    /// <summary>Tests and impatient scripts shorten the first retry delay with $env:MIXTRAL_RETRY_BASE_DELAY_MS.</summary>
    private static TimeSpan RetryBaseDelayFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable("MIXTRAL_RETRY_BASE_DELAY_MS"), out var ms) && ms >= 0
            ? TimeSpan.FromMilliseconds(ms)
            : TimeSpan.FromSeconds(1);
}
