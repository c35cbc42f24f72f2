using System.Collections.Concurrent;
using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace MixtralPS.Core.Client;

/// <summary>
/// Retries what may pass (429, 500, 502, 503, 504, time-outs, connection failures) with exponential
/// backoff and jitter, honouring Retry-After; never retries what will fail again (400, 401, 403, 404, 422).
/// </summary>
internal static class RetryPolicy
{
    private static readonly HashSet<HttpStatusCode> Transient =
    [
        HttpStatusCode.TooManyRequests,
        HttpStatusCode.InternalServerError,
        HttpStatusCode.BadGateway,
        HttpStatusCode.ServiceUnavailable,
        HttpStatusCode.GatewayTimeout,
    ];

    /// <summary>Where a retry is told: the log of the client that sent the request.</summary>
    public static readonly ResiliencePropertyKey<Action<string>> LogKey = new("MixtralPS.Log");

    // Building a pipeline costs more than a streamed answer's first token (~0.15 ms), and a cmdlet makes a
    // client per call; pipelines hold no per-request state, so one per set of settings serves every client.
    private static readonly ConcurrentDictionary<(int, TimeSpan, TimeSpan, TimeSpan), ResiliencePipeline<HttpResponseMessage>> Pipelines = new();

    public static bool IsTransient(HttpStatusCode status) => Transient.Contains(status);

    public static ResiliencePipeline<HttpResponseMessage> For(MistralClientOptions options) =>
        Pipelines.GetOrAdd((options.MaxRetries, options.RetryBaseDelay, options.MaxRetryDelay, options.Timeout), _ => Create(options));

    private static ResiliencePipeline<HttpResponseMessage> Create(MistralClientOptions options)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Result: { } response } => IsTransient(response.StatusCode),
                    { Exception: HttpRequestException or TimeoutRejectedException } => true,
                    _ => false,
                }),
                DelayGenerator = args =>
                {
                    var retryAfter = args.Outcome.Result is { } response ? RetryAfter(response) : null;
                    return ValueTask.FromResult(retryAfter is { } d ? (TimeSpan?)Min(d, options.MaxRetryDelay) : null);
                },
                OnRetry = args =>
                {
                    var why = args.Outcome.Result is { } r
                        ? $"HTTP {(int)r.StatusCode}"
                        : args.Outcome.Exception?.GetType().Name ?? "failure";
                    var log = args.Context.Properties.GetValue(LogKey, null!);
                    log?.Invoke($"Attempt {args.AttemptNumber + 1} failed ({why}); retrying in {args.RetryDelay.TotalMilliseconds:0} ms.");
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }

        builder.AddTimeout(options.Timeout);
        return builder.Build();
    }

    /// <summary>The server's Retry-After (seconds or a date), or retry-after-ms where a server sends it.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var ms)
            && double.TryParse(ms.FirstOrDefault(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var millis)
            && millis >= 0)
        {
            return TimeSpan.FromMilliseconds(millis);
        }

        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
