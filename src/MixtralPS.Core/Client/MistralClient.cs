using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MixtralPS.Core.Json;
using MixtralPS.Core.Models;
using Polly;
using Polly.Timeout;

namespace MixtralPS.Core.Client;

/// <summary>
/// The HTTP client of a Mistral-compatible API (Mistral's own, vLLM, Ollama): chat, streamed chat,
/// models, embeddings and OCR (MistralClient.Ocr.cs), with retries. One instance per endpoint and key; connections are pooled per process.
/// </summary>
public sealed partial class MistralClient
{
    private static readonly HttpClient SharedHttp = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
        ConnectTimeout = TimeSpan.FromSeconds(30),
    })
    {
        // Time-outs are per attempt, from the options; the HttpClient's own would cut long streams.
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    private static readonly ProductInfoHeaderValue UserAgent =
        new("MixtralPS", typeof(MistralClient).Assembly.GetName().Version?.ToString(3) ?? "0");

    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient http;
    private readonly ResiliencePipeline<HttpResponseMessage> pipeline;

    public MistralClient(MistralClientOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        http = httpClient ?? SharedHttp;
        pipeline = RetryPolicy.For(options);
    }

    public MistralClientOptions Options { get; }

    public async Task<ChatCompletionResponse> CreateChatCompletionAsync(ChatCompletionRequest request, CancellationToken cancellationToken = default)
    {
        request.Stream = null;
        ChatRequestValidator.Validate(request);
        using var response = await SendAsync(HttpMethod.Post, "chat/completions", Serialize(request, MistralJsonContext.Default.ChatCompletionRequest), streaming: false, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, MistralJsonContext.Default.ChatCompletionResponse, "chat completion", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams a chat completion as the API's chunks. Ends normally only after "data: [DONE]"; a stream
    /// that stops before it throws <see cref="MistralErrorKind.StreamInterrupted"/>.
    /// </summary>
    public async IAsyncEnumerable<CompletionChunk> StreamChatCompletionAsync(
        ChatCompletionRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        request.Stream = true;
        ChatRequestValidator.Validate(request);
        using var response = await SendAsync(HttpMethod.Post, "chat/completions", Serialize(request, MistralJsonContext.Default.ChatCompletionRequest), streaming: true, cancellationToken).ConfigureAwait(false);

        if (response.Content.Headers.ContentType?.MediaType is "application/json")
        {
            // A server that ignores "stream": the whole answer as one chunk is still a faithful stream.
            var whole = await ReadJsonAsync(response, MistralJsonContext.Default.ChatCompletionResponse, "chat completion", cancellationToken).ConfigureAwait(false);
            yield return ChunkOf(whole);
            yield break;
        }

        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(Options.Timeout);
        var events = 0;
        var sawDone = false;
        Stream body;
        try
        {
            body = await response.Content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw Interrupted(events, ex);
        }

        await using var _ = body.ConfigureAwait(false);
        // Events stay UTF-8 bytes, as the JSON reader takes them: no string to decode and transcode per chunk.
        await using var items = SseParser.Create(body, static (_, data) => data.ToArray()).EnumerateAsync(idle.Token).GetAsyncEnumerator(idle.Token);
        var idleSince = Stopwatch.GetTimestamp();
        var idleResetInterval = Options.Timeout / 16;
        while (true)
        {
            SseItem<byte[]> item;
            try
            {
                if (!await items.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }

                item = items.Current;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new MistralException(
                    MistralErrorKind.Timeout,
                    $"The stream went silent for {Options.Timeout.TotalSeconds:0.#} s after {events} event(s); it was abandoned.")
                { Attempts = 1 };
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                throw Interrupted(events, ex);
            }

            // The silence timer restarts at most every 1/16 of the time-out: resetting it per chunk (a timer-queue
            // lock each) cost more than parsing a chunk, and the time-out stays exact to within that share.
            if (Stopwatch.GetElapsedTime(idleSince) >= idleResetInterval)
            {
                idle.CancelAfter(Options.Timeout);
                idleSince = Stopwatch.GetTimestamp();
            }

            var data = item.Data.AsSpan().Trim(" \t\r\n"u8);
            if (data.IsEmpty)
            {
                continue;
            }

            if (data.SequenceEqual("[DONE]"u8))
            {
                sawDone = true;
                break;
            }

            events++;
            if (item.EventType == "error")
            {
                throw new MistralException(MistralErrorKind.Protocol, $"The server sent an error event in the stream: {Redact(Snippet(Encoding.UTF8.GetString(data)))}");
            }

            yield return ParseChunk(item.Data, events);
        }

        if (!sawDone)
        {
            throw Interrupted(events, null);
        }
    }

    public async Task<ModelList> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, "models", null, streaming: false, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, MistralJsonContext.Default.ModelList, "model list", cancellationToken).ConfigureAwait(false);
    }

    public async Task<EmbeddingResponse> CreateEmbeddingsAsync(EmbeddingRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Input.Count == 0)
        {
            throw new ArgumentException("An embeddings request needs at least one input.", nameof(request));
        }

        using var response = await SendAsync(HttpMethod.Post, "embeddings", Serialize(request, MistralJsonContext.Default.EmbeddingRequest), streaming: false, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(response, MistralJsonContext.Default.EmbeddingResponse, "embeddings response", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The address of an API path; endpoints given with or without their "/v1" both work.</summary>
    public Uri ResolveUri(string path)
    {
        var baseText = Options.Endpoint.AbsoluteUri.TrimEnd('/');
        var prefix = baseText.EndsWith("/v1", StringComparison.OrdinalIgnoreCase) ? "" : "/v1";
        return new Uri(baseText + prefix + "/" + path);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, byte[]? body, bool streaming, CancellationToken cancellationToken)
    {
        var uri = ResolveUri(path);
        var attempts = 0;
        HttpResponseMessage response;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        if (Options.Log is { } log)
        {
            context.Properties.Set(RetryPolicy.LogKey, log);
        }

        try
        {
            response = await pipeline.ExecuteAsync(
                async context =>
                {
                    var token = context.CancellationToken;
                    attempts++;
                    Options.Log?.Invoke($"{method} {uri} (attempt {attempts})");
                    using var message = new HttpRequestMessage(method, uri);
                    message.Headers.UserAgent.Add(UserAgent);
                    message.Headers.Accept.ParseAdd(streaming ? "text/event-stream" : "application/json");
                    if (Options.ApiKey is { } key)
                    {
                        message.Headers.TryAddWithoutValidation("Authorization", key.AuthorizationValue);
                    }

                    if (body is not null)
                    {
                        message.Content = new ByteArrayContent(body);
                        message.Content.Headers.ContentType = JsonMediaType;
                    }

                    // A plain answer is read whole inside the attempt, so a cut body is retried like a failed connection.
                    var completion = streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead;
                    return await http.SendAsync(message, completion, token).ConfigureAwait(false);
                },
                context).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new MistralException(
                MistralErrorKind.Timeout,
                $"{uri.Host} did not answer within {Options.Timeout.TotalSeconds:0.#} s ({Plural(attempts, "attempt")}).",
                ex)
            { Attempts = attempts };
        }
        catch (HttpRequestException ex)
        {
            throw new MistralException(
                MistralErrorKind.Connection,
                $"Could not reach {uri.GetLeftPart(UriPartial.Authority)} ({Plural(attempts, "attempt")}): {Redact(ex.Message)}",
                ex)
            { Attempts = attempts };
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ErrorResponseReader.ReadAsync(response, Options.ApiKey, attempts, cancellationToken).ConfigureAwait(false);
            }
        }

        Options.Log?.Invoke($"HTTP {(int)response.StatusCode} from {uri.Host} after {Plural(attempts, "attempt")}.");
        return response;
    }

    private async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return Parse(body, type, $"The {what} from {response.RequestMessage?.RequestUri?.Host} was not valid JSON");
    }

    private CompletionChunk ParseChunk(byte[] data, int events) =>
        Parse(data, MistralJsonContext.Default.CompletionChunk, $"Event {events} of the stream was not a valid chat completion chunk");

    /// <summary>Parses a body or event (UTF-8); what cannot be read becomes a protocol error quoting (redacted) what came.</summary>
    private T Parse<T>(byte[] utf8, JsonTypeInfo<T> type, string failure)
    {
        try
        {
            // A byte order mark is legal before a body (ReadAsStringAsync dropped it); the JSON reader does not take one.
            var json = utf8.AsSpan();
            json = json.StartsWith(Encoding.UTF8.Preamble) ? json[Encoding.UTF8.Preamble.Length..] : json;
            return JsonSerializer.Deserialize(json, type) ?? throw new JsonException("It was null.");
        }
        catch (JsonException ex)
        {
            throw new MistralException(MistralErrorKind.Protocol, $"{failure} ({ex.Message}): {Redact(Snippet(Encoding.UTF8.GetString(utf8)))}", ex);
        }
    }

    private static CompletionChunk ChunkOf(ChatCompletionResponse whole) => new()
    {
        Id = whole.Id,
        Model = whole.Model,
        Created = whole.Created,
        Usage = whole.Usage,
        Choices = whole.Choices.Select(c => new CompletionResponseStreamChoice
        {
            Index = c.Index,
            Delta = c.Message,
            FinishReason = c.FinishReason,
        }).ToList(),
    };

    private static MistralException Interrupted(int events, Exception? cause) => new(
        MistralErrorKind.StreamInterrupted,
        $"The response stream ended before it was complete, after {Plural(events, "event")}" + (cause is null ? "." : $": {cause.Message}"),
        cause)
    { Attempts = 1 };

    private static byte[] Serialize<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.SerializeToUtf8Bytes(value, type);

    private string Redact(string text) => Options.ApiKey?.Redact(text) ?? text;

    private static string Snippet(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private static string Plural(int n, string word) => n == 1 ? $"1 {word}" : $"{n} {word}s";
}
