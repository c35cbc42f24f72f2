using System.Net.Http.Headers;
using System.Text.Json;
using MixtralPS.Core.Json;
using MixtralPS.Core.Models;

namespace MixtralPS.Core.Client;

/// <summary>Turns an error response into a <see cref="MistralApiException"/> carrying the API's own words.</summary>
internal static class ErrorResponseReader
{
    private const int MaxRawLength = 500;

    public static async Task<MistralApiException> ReadAsync(
        HttpResponseMessage response, ApiKeyCredential? key, int attempts, CancellationToken cancellationToken)
    {
        string raw;
        try
        {
            raw = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            raw = "";
        }

        if (key is not null)
        {
            raw = key.Redact(raw);
        }

        var status = (int)response.StatusCode;
        var parsed = Parse(raw);
        var apiMessage = parsed.Message
            ?? (raw.Length > 0 ? Truncate(raw.Trim()) : response.ReasonPhrase ?? $"HTTP {status}");
        var rateLimits = RateLimitHeaders(response.Headers);
        var retryAfter = RetryPolicy.RetryAfter(response);
        var requestId = parsed.RequestId ?? FirstHeader(response.Headers, "x-request-id") ?? FirstHeader(response.Headers, "mistral-correlation-id");

        var text = $"HTTP {status} ({response.ReasonPhrase ?? "error"}): {apiMessage}";
        return new MistralApiException(MistralApiException.KindOf(status), status, apiMessage, text)
        {
            Code = parsed.Code,
            ErrorType = parsed.Type,
            Param = parsed.Param,
            Details = parsed.Details,
            RetryAfter = retryAfter,
            RateLimitHeaders = rateLimits,
            RequestId = requestId,
            Attempts = attempts,
        };
    }

    private static (string? Message, string? Code, string? Type, string? Param, string? RequestId, IReadOnlyList<string> Details) Parse(string raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return (null, null, null, null, null, []);
        }

        ErrorBody? body;
        try
        {
            body = JsonSerializer.Deserialize(raw, MistralJsonContext.Default.ErrorBody);
        }
        catch (JsonException)
        {
            return (null, null, null, null, null, []);
        }

        if (body is null)
        {
            return (null, null, null, null, null, []);
        }

        var details = new List<string>();
        string? message = Text(body.Message);
        string? code = Text(body.Code);
        string? type = body.Type;

        if (body.Detail is { ValueKind: JsonValueKind.Array } detail)
        {
            foreach (var item in detail.EnumerateArray())
            {
                details.Add(DescribeValidationItem(item));
            }

            message ??= string.Join("; ", details);
        }
        else if (body.Detail is { } d)
        {
            message ??= Text(d);
        }

        if (body.Error is { ValueKind: JsonValueKind.Object } error)
        {
            message ??= error.TryGetProperty("message", out var m) ? Text(m) : null;
            code ??= error.TryGetProperty("code", out var c) ? Text(c) : null;
            type ??= error.TryGetProperty("type", out var t) ? Text(t) : null;
        }
        else if (body.Error is { ValueKind: JsonValueKind.String } errorText)
        {
            message ??= errorText.GetString();
        }

        return (message, code, type, body.Param, body.RequestId, details);
    }

    private static string DescribeValidationItem(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return Text(item) ?? item.GetRawText();
        }

        var loc = item.TryGetProperty("loc", out var l) && l.ValueKind == JsonValueKind.Array
            ? string.Join(".", l.EnumerateArray().Select(e => Text(e)))
            : null;
        var msg = item.TryGetProperty("msg", out var m) ? Text(m) : item.GetRawText();
        return loc is null ? msg ?? "" : $"{loc}: {msg}";
    }

    private static string? Text(JsonElement? element) => element switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } e => e.GetString(),
        { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        { } e => e.GetRawText(),
    };

    private static IReadOnlyDictionary<string, string> RateLimitHeaders(HttpResponseHeaders headers)
    {
        var found = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in headers)
        {
            if (header.Key.StartsWith("x-ratelimit", StringComparison.OrdinalIgnoreCase)
                || header.Key.StartsWith("ratelimit", StringComparison.OrdinalIgnoreCase)
                || header.Key.Equals("retry-after", StringComparison.OrdinalIgnoreCase))
            {
                found[header.Key.ToLowerInvariant()] = string.Join(",", header.Value);
            }
        }

        return found;
    }

    private static string? FirstHeader(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string Truncate(string text) =>
        text.Length <= MaxRawLength ? text : text[..MaxRawLength] + "…";
}
