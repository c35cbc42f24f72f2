namespace MixtralPS.Core.Client;

/// <summary>What went wrong, in the terms a caller acts on.</summary>
public enum MistralErrorKind
{
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Validation,
    RateLimited,
    ServerError,
    ModelRetired,
    Timeout,
    Connection,
    Protocol,
    StreamInterrupted,
    Configuration,
    Other,
}

/// <summary>A failure talking to a Mistral-compatible endpoint. Messages never contain the API key.</summary>
public class MistralException : Exception
{
    public MistralException(MistralErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public MistralErrorKind Kind { get; }

    /// <summary>How many HTTP attempts were made, retries included (0 when none was sent).</summary>
    public int Attempts { get; init; }

    /// <summary>For an interrupted stream: the text that had arrived, so nothing received is lost.</summary>
    public string? PartialContent { get; init; }
}

/// <summary>The endpoint answered with an error status; carries the API's own message and fields.</summary>
public sealed class MistralApiException : MistralException
{
    public MistralApiException(MistralErrorKind kind, int statusCode, string apiMessage, string message)
        : base(kind, message)
    {
        StatusCode = statusCode;
        ApiMessage = apiMessage;
    }

    public int StatusCode { get; }

    /// <summary>The message as the API wrote it.</summary>
    public string ApiMessage { get; }

    public string? Code { get; init; }

    public string? ErrorType { get; init; }

    public string? Param { get; init; }

    /// <summary>Items of a validation error ("body.messages.0.content: Field required").</summary>
    public IReadOnlyList<string> Details { get; init; } = [];

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Rate-limit headers of the last response (x-ratelimit-*), for the user to see which limit was hit.</summary>
    public IReadOnlyDictionary<string, string> RateLimitHeaders { get; init; } = new Dictionary<string, string>();

    public string? RequestId { get; init; }

    /// <summary>For a retired model: the replacement the models list names.</summary>
    public string? ReplacementModel { get; init; }

    public static MistralErrorKind KindOf(int statusCode) => statusCode switch
    {
        400 => MistralErrorKind.BadRequest,
        401 => MistralErrorKind.Unauthorized,
        403 => MistralErrorKind.Forbidden,
        404 => MistralErrorKind.NotFound,
        422 => MistralErrorKind.Validation,
        429 => MistralErrorKind.RateLimited,
        >= 500 => MistralErrorKind.ServerError,
        _ => MistralErrorKind.Other,
    };
}
