using System.Management.Automation;
using MixtralPS.Core.Client;

namespace MixtralPS.Infrastructure;

/// <summary>Turns core exceptions into error records with IDs like InvokeMixtralChatRateLimited and advice.</summary>
internal static class MixtralErrors
{
    public static ErrorRecord From(Exception ex, string prefix, object? target, bool keySent)
    {
        var (id, category, message, action) = ex switch
        {
            MistralApiException api => Describe(api, keySent),
            MistralException { Kind: MistralErrorKind.StreamInterrupted } m =>
                ("StreamInterrupted", ErrorCategory.ConnectionError, m.Message, "Run the command again; the text that arrived is in the error's TargetObject."),
            MistralException { Kind: MistralErrorKind.Timeout } m =>
                ("Timeout", ErrorCategory.OperationTimeout, m.Message, "Raise -TimeoutSec or -MaxRetries, or check the server."),
            MistralException { Kind: MistralErrorKind.Connection } m =>
                ("ConnectionFailed", ErrorCategory.ConnectionError, m.Message, "Check -Endpoint / $env:MISTRAL_ENDPOINT and that the server is running."),
            MistralException { Kind: MistralErrorKind.Protocol } m =>
                ("InvalidResponse", ErrorCategory.InvalidData, m.Message, "The server does not speak the Mistral API correctly; check -Endpoint."),
            MistralException { Kind: MistralErrorKind.Configuration } m =>
                ("UnsafeConfiguration", ErrorCategory.SecurityError, m.Message, "Use an https:// endpoint, or add -AllowUnencryptedAuthentication for a trusted network."),
            MistralException m => (m.Kind.ToString(), ErrorCategory.NotSpecified, m.Message, null),
            ArgumentException a => ("InvalidArgument", ErrorCategory.InvalidArgument, a.Message, null),
            _ => ("Failed", ErrorCategory.NotSpecified, ex.Message, null),
        };

        if (ex is MistralException { PartialContent: { } partial })
        {
            target = partial;
        }

        var record = new ErrorRecord(ex, prefix + id, category, target)
        {
            ErrorDetails = new ErrorDetails(message),
        };
        if (action is not null)
        {
            record.ErrorDetails.RecommendedAction = action;
        }

        return record;
    }

    private static (string, ErrorCategory, string, string?) Describe(MistralApiException ex, bool keySent)
    {
        var tries = ex.Attempts > 1 ? $" after {ex.Attempts} attempts" : "";
        switch (ex.Kind)
        {
            case MistralErrorKind.Unauthorized:
                return ("Unauthorized", ErrorCategory.AuthenticationError,
                    keySent
                        ? $"The endpoint refused the API key (HTTP 401: {ex.ApiMessage})."
                        : $"The endpoint needs an API key and none was given (HTTP 401: {ex.ApiMessage}).",
                    "Set a valid key: $env:MISTRAL_API_KEY = '<your key>', or pass -ApiKey (Read-Host -AsSecureString).");
            case MistralErrorKind.Forbidden:
                return ("Forbidden", ErrorCategory.PermissionDenied, $"The API key may not do this (HTTP 403: {ex.ApiMessage}).",
                    "Check the key's workspace and permissions.");
            case MistralErrorKind.RateLimited:
                var limits = ex.RateLimitHeaders.Count == 0
                    ? "The server sent no rate-limit headers."
                    : "Limits: " + string.Join(", ", ex.RateLimitHeaders.Select(h => $"{h.Key}={h.Value}")) + ".";
                var wait = ex.RetryAfter is { } r ? $" The server asks to wait {r.TotalSeconds:0.#} s." : "";
                return ("RateLimited", ErrorCategory.LimitsExceeded,
                    $"Rate limited (HTTP 429){tries}: {ex.ApiMessage}. {limits}{wait}",
                    "Wait and retry, raise -MaxRetries, or lower the request rate.");
            case MistralErrorKind.ModelRetired:
                return ("ModelRetired", ErrorCategory.InvalidArgument, ex.Message,
                    ex.ReplacementModel is { } m ? $"Use -Model {m}, or set $env:MIXTRAL_MODEL = '{m}'." : "Pick a current model: Get-MixtralModel.");
            case MistralErrorKind.Validation:
            case MistralErrorKind.BadRequest:
                return (ex.Kind == MistralErrorKind.Validation ? "InvalidRequest" : "BadRequest", ErrorCategory.InvalidArgument,
                    $"The endpoint rejected the request (HTTP {ex.StatusCode}): {ex.ApiMessage}", null);
            case MistralErrorKind.NotFound:
                return ("NotFound", ErrorCategory.ObjectNotFound, $"HTTP 404: {ex.ApiMessage}",
                    "Check -Endpoint (an OpenAI-compatible server serves /v1/chat/completions) and -Model.");
            case MistralErrorKind.ServerError:
                return ("ServerError", ErrorCategory.ResourceUnavailable, $"The server failed (HTTP {ex.StatusCode}){tries}: {ex.ApiMessage}",
                    "Retry later, or raise -MaxRetries.");
            default:
                return ("HttpError", ErrorCategory.NotSpecified, $"HTTP {ex.StatusCode}{tries}: {ex.ApiMessage}", null);
        }
    }
}
