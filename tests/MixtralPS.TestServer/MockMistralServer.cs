using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace MixtralPS.TestServer;

/// <summary>A Mistral-compatible HTTP server on 127.0.0.1 (random port) for tests: scripted or echo replies,
/// and every /v1/* request body checked against the official OpenAPI schema.</summary>
public sealed class MockMistralServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ReplyQueue _replies = new();
    private readonly List<ReceivedRequest> _requests = [];
    private readonly List<string> _violations = [];
    private string? _requiredApiKey;
    private int _inFlight;
    private int _maxInFlight;

    public Uri BaseAddress { get; private set; } = null!;
    public SchemaValidator Validator { get; }

    /// <summary>When set, /v1/* requests must carry "Authorization: Bearer &lt;key&gt;".</summary>
    public string? RequiredApiKey
    {
        get { lock (_requests) return _requiredApiKey; }
        set { lock (_requests) _requiredApiKey = value; }
    }

    public IReadOnlyList<ReceivedRequest> Requests { get { lock (_requests) return _requests.ToArray(); } }
    public IReadOnlyList<string> Violations { get { lock (_requests) return _violations.ToArray(); } }

    /// <summary>The most /v1/* requests that were being answered at once since the last reset (throttling tests).</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Cancelled when the host is asked to stop (e.g. by a signal).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    private MockMistralServer(SchemaValidator validator)
    {
        Validator = validator;
        // The empty builder brings no configuration files, file watchers or console logging: fast and quiet.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = 256 * 1024 * 1024; // benchmark-sized embedding batches
        });
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    public static async Task<MockMistralServer> StartAsync(string? specPath = null, CancellationToken ct = default)
    {
        var path = specPath ?? SpecLocator.Find();
        var validator = await Task.Run(() => SchemaValidator.ForSpec(path), ct);
        _ = Task.Run(validator.WarmUp, CancellationToken.None); // overlaps Kestrel start-up and the caller's own set-up
        var server = new MockMistralServer(validator);
        await server._app.StartAsync(ct);
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    public void Enqueue(params ScriptedReply[] replies) => _replies.Add(replies);

    public void Reset()
    {
        _replies.Clear();
        lock (_requests)
        {
            _requests.Clear();
            _violations.Clear();
            _requiredApiKey = null;
        }

        Volatile.Write(ref _maxInFlight, Volatile.Read(ref _inFlight));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TimeSpan.FromSeconds(2));
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        try
        {
            if (path.StartsWith("/_test/", StringComparison.OrdinalIgnoreCase)) await ControlEndpoints.HandleAsync(ctx, this);
            else if (path.StartsWith("/v1/", StringComparison.OrdinalIgnoreCase)) await HandleCountedAsync(ctx, path);
            else await Json.WriteAsync(ctx, 404, new JsonObject { ["detail"] = "Not Found" });
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away (timeout tests); nothing left to answer.
        }
    }

    private async Task HandleCountedAsync(HttpContext ctx, string path)
    {
        var now = Interlocked.Increment(ref _inFlight);
        for (var max = Volatile.Read(ref _maxInFlight); now > max; max = Volatile.Read(ref _maxInFlight))
        {
            if (Interlocked.CompareExchange(ref _maxInFlight, now, max) == max) break;
        }

        try { await HandleApiAsync(ctx, path); }
        finally { Interlocked.Decrement(ref _inFlight); }
    }

    private async Task HandleApiAsync(HttpContext ctx, string path)
    {
        var method = ctx.Request.Method.ToUpperInvariant();
        using var reader = new StreamReader(ctx.Request.Body);
        var body = await reader.ReadToEndAsync(ctx.RequestAborted);
        var headers = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);

        var key = RequiredApiKey;
        var authorized = key is null || headers.GetValueOrDefault("Authorization") == "Bearer " + key;
        JsonNode? json = null;
        var violations = new List<SchemaViolation>();
        if (authorized && Validator.Declares(method, path))
        {
            // FastAPI reads the body as JSON only when it is declared so; anything else is rejected by the real API.
            var mediaType = ctx.Request.ContentType?.Split(';')[0].Trim();
            if (!string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
                violations.Add(new SchemaViolation("", $"Content-Type must be application/json (got '{ctx.Request.ContentType}')", "model_attributes_type", ["body"], null));
            try { json = JsonNode.Parse(body); }
            catch (JsonException ex)
            {
                violations.Add(new SchemaViolation("", $"body is not valid JSON: {ex.Message}", "json_invalid", ["body", 0], JsonValue.Create(body)));
            }
            if (violations.All(v => v.Type != "json_invalid")) violations.AddRange(Validator.Validate(method, path, json));
        }
        Record(new ReceivedRequest(method, path, headers, body, violations.Select(v => v.ToString()).ToArray()));

        if (!authorized)
        {
            await Json.WriteAsync(ctx, 401, new JsonObject { ["message"] = "Unauthorized", ["request_id"] = Guid.NewGuid().ToString() });
            return;
        }
        if (violations.Count > 0)
        {
            await Json.WriteAsync(ctx, 422, ValidationErrorBody(violations));
            return;
        }

        var reply = _replies.Take(path);
        if (reply is not null && await ScriptedResponder.TryRespondAsync(ctx, reply)) return;

        var request = json as JsonObject ?? [];
        if (method == "POST" && Is(path, "/v1/chat/completions")) await ChatEndpoint.HandleAsync(ctx, request, reply);
        else if (method == "POST" && Is(path, "/v1/embeddings")) await EmbeddingsEndpoint.HandleAsync(ctx, request, reply);
        else if (method == "POST" && Is(path, "/v1/ocr")) await OcrEndpoint.HandleAsync(ctx, request, reply);
        else if (method == "GET" && path.StartsWith("/v1/models", StringComparison.OrdinalIgnoreCase)) await ModelsEndpoint.HandleAsync(ctx, path, reply);
        else await Json.WriteAsync(ctx, 404, new JsonObject { ["detail"] = "Not Found" });
    }

    private void Record(ReceivedRequest request)
    {
        lock (_requests)
        {
            _requests.Add(request);
            _violations.AddRange(request.Violations.Select(v => $"{request.Method} {request.Path}: {v}"));
        }
    }

    internal void Enqueue(IEnumerable<ScriptedReply> replies) => _replies.Add(replies);

    private static bool Is(string path, string expected) =>
        string.Equals(path.TrimEnd('/'), expected, StringComparison.OrdinalIgnoreCase);

    // FastAPI's HTTPValidationError, which the spec declares for 422.
    private static JsonObject ValidationErrorBody(IEnumerable<SchemaViolation> violations) => new()
    {
        ["detail"] = new JsonArray(violations.Select(v => (JsonNode)new JsonObject
        {
            ["type"] = v.Type,
            ["loc"] = new JsonArray(v.Loc.Select(l => l is int i ? JsonValue.Create(i) : (JsonNode)JsonValue.Create((string)l)).ToArray()),
            ["msg"] = v.Message,
            ["input"] = v.Input?.DeepClone(),
        }).ToArray()),
    };
}
