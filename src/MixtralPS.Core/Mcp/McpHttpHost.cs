using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace MixtralPS.Core.Mcp;

/// <summary>Where and to whom the HTTP transport answers.</summary>
/// <param name="Port">The TCP port of http://127.0.0.1:&lt;port&gt;/mcp.</param>
/// <param name="AllowRemote">Listen on every interface, not only loopback; needs <paramref name="Token"/>.</param>
/// <param name="Token">The bearer token every request must carry; null: none (loopback only).</param>
public sealed record McpHttpSettings(int Port, bool AllowRemote = false, string? Token = null)
{
    /// <summary>A fresh random token (256 bits, base64url) for -AllowRemote without -Token.</summary>
    public static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>
/// The Streamable HTTP transport on the runtime's own HttpListener (pwsh does not load ASP.NET Core): POST
/// /mcp carries the client's messages and the answers come back on the same response as server-sent events;
/// each initialize opens a session (Mcp-Session-Id) with its own server; DELETE ends it. Loopback only
/// unless AllowRemote; with a token, a request without "Authorization: Bearer &lt;token&gt;" gets 401.
/// </summary>
public sealed class McpHttpHost : IAsyncDisposable
{
    private const string SessionHeader = "Mcp-Session-Id";
    private const long MaxBodyBytes = 4 * 1024 * 1024;

    private static readonly JsonTypeInfo<JsonRpcMessage> MessageInfo =
        (JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    private readonly McpIndexServer server;
    private readonly McpHttpSettings settings;
    private readonly Action<string> log;
    private readonly HttpListener listener = new();
    private readonly ConcurrentDictionary<string, McpHttpSession> sessions = new(StringComparer.Ordinal);

    public McpHttpHost(McpIndexServer server, McpHttpSettings settings, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Port, "The port must be from 1 to 65535.");
        }

        if (settings.AllowRemote && string.IsNullOrEmpty(settings.Token))
        {
            throw new ArgumentException("Serving beyond loopback needs a bearer token.", nameof(settings));
        }

        this.server = server;
        this.settings = settings;
        this.log = log ?? (_ => { });
    }

    /// <summary>The address clients use.</summary>
    public Uri Endpoint => new($"http://127.0.0.1:{settings.Port}/mcp");

    /// <summary>Starts listening; throws at once when the port cannot be had.</summary>
    public void Start()
    {
        if (settings.AllowRemote)
        {
            listener.Prefixes.Add($"http://+:{settings.Port}/");
        }
        else
        {
            // Only these host names are answered: a page that rebinds its own name to 127.0.0.1 gets nothing.
            listener.Prefixes.Add($"http://127.0.0.1:{settings.Port}/");
            listener.Prefixes.Add($"http://localhost:{settings.Port}/");
        }

        try
        {
            listener.Start();
        }
        catch (HttpListenerException ex)
        {
            throw new IOException($"Cannot listen on port {settings.Port}: {ex.Message}", ex);
        }
    }

    /// <summary>Answers requests until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!listener.IsListening)
        {
            Start();
        }

        using var stop = cancellationToken.Register(listener.Stop);
        var running = new ConcurrentDictionary<Task, byte>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException && cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                var task = Task.Run(() => HandleAsync(context, cancellationToken), CancellationToken.None);
                running.TryAdd(task, 0);
                _ = task.ContinueWith(t => running.TryRemove(t, out _), TaskScheduler.Default);
            }
        }
        finally
        {
            await Task.WhenAll(running.Keys).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task HandleAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        var response = context.Response;
        try
        {
            if (Refusal(context.Request) is { } refusal)
            {
                if (refusal.Status == 401)
                {
                    response.AddHeader("WWW-Authenticate", "Bearer realm=\"MixtralPS\"");
                }

                await WriteErrorAsync(response, refusal.Status, refusal.Message).ConfigureAwait(false);
                return;
            }

            switch (context.Request.HttpMethod)
            {
                case "POST":
                    await PostAsync(context, cancellationToken).ConfigureAwait(false);
                    break;
                case "DELETE":
                    await DeleteAsync(context).ConfigureAwait(false);
                    break;
                default:
                    // No stream of unsolicited messages: this server never sends any (the spec's answer is 405).
                    response.AddHeader("Allow", "POST, DELETE");
                    await WriteErrorAsync(response, 405, "Method not allowed: POST messages to this endpoint.").ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away or the server is stopping; nothing to answer.
        }
        catch (Exception ex)
        {
            log($"HTTP request failed: {ex.GetType().Name}: {ex.Message}");
            try
            {
                await WriteErrorAsync(response, 500, "Internal error.").ConfigureAwait(false);
            }
            catch (Exception again) when (again is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }
    }

    /// <summary>Why a request is refused before it is read (status and message), or null to serve it.</summary>
    private (int Status, string Message)? Refusal(HttpListenerRequest request)
    {
        if (!string.Equals(request.Url?.AbsolutePath.TrimEnd('/'), "/mcp", StringComparison.Ordinal))
        {
            return (404, "Not found: the MCP endpoint is /mcp.");
        }

        if (settings.Token is { Length: > 0 } token && !HasToken(request.Headers["Authorization"], token))
        {
            return (401, "Unauthorized: send the server's token as \"Authorization: Bearer <token>\".");
        }

        // A browser page may not drive a loopback server: the spec asks servers to check Origin.
        if (!settings.AllowRemote && request.Headers["Origin"] is { Length: > 0 } origin &&
            !(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && (uri.IsLoopback || uri.Host == "localhost")))
        {
            return (403, "Forbidden: requests from another origin are refused.");
        }

        return null;
    }

    private static bool HasToken(string? authorization, string token)
    {
        const string Scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Constant time: how much of a guess was right must not show in how long the refusal took.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization[Scheme.Length..].Trim()), Encoding.UTF8.GetBytes(token));
    }

    private async Task PostAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var response = context.Response;
        var accept = request.Headers["Accept"] ?? "";
        if (!accept.Contains("application/json", StringComparison.OrdinalIgnoreCase) || !accept.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            await WriteErrorAsync(response, 406, "Not acceptable: the client must accept both application/json and text/event-stream.").ConfigureAwait(false);
            return;
        }

        if (request.ContentLength64 > MaxBodyBytes)
        {
            await WriteErrorAsync(response, 413, "The message is too large.").ConfigureAwait(false);
            return;
        }

        JsonRpcMessage? message;
        try
        {
            message = await JsonSerializer.DeserializeAsync(request.InputStream, MessageInfo, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            await WriteErrorAsync(response, 400, $"Parse error: {ex.Message}", -32700).ConfigureAwait(false);
            return;
        }

        if (message is null)
        {
            await WriteErrorAsync(response, 400, "Invalid request: no JSON-RPC message.", -32600).ConfigureAwait(false);
            return;
        }

        var session = await SessionForAsync(request, response, message).ConfigureAwait(false);
        if (session is null)
        {
            return;
        }

        response.ContentType = "text/event-stream";
        response.AddHeader("Cache-Control", "no-cache, no-store");
        response.AddHeader(SessionHeader, session.Id);
        response.SendChunked = true;
        if (!await session.Transport.HandlePostRequestAsync(message, response.OutputStream, cancellationToken).ConfigureAwait(false))
        {
            // A notification or a response: nothing to send back.
            response.ContentType = null;
            response.SendChunked = false;
            response.ContentLength64 = 0;
            response.StatusCode = 202;
        }
    }

    /// <summary>The request's session: a new one for initialize, else the one its header names; null when refused (already answered).</summary>
    private async Task<McpHttpSession?> SessionForAsync(HttpListenerRequest request, HttpListenerResponse response, JsonRpcMessage message)
    {
        var id = request.Headers[SessionHeader];
        if (string.IsNullOrEmpty(id))
        {
            if (message is JsonRpcRequest { Method: RequestMethods.Initialize })
            {
                var session = McpHttpSession.Start(server.CreateOptions());
                sessions[session.Id] = session;
                return session;
            }

            await WriteErrorAsync(response, 400, $"Bad request: send {SessionHeader} (from the initialize response), or initialize first.").ConfigureAwait(false);
            return null;
        }

        if (sessions.TryGetValue(id, out var known))
        {
            return known;
        }

        await WriteErrorAsync(response, 404, "Session not found: initialize again.", -32001).ConfigureAwait(false);
        return null;
    }

    private async Task DeleteAsync(HttpListenerContext context)
    {
        if (context.Request.Headers[SessionHeader] is { Length: > 0 } id && sessions.TryRemove(id, out var session))
        {
            await session.DisposeAsync().ConfigureAwait(false);
            context.Response.StatusCode = 200;
            return;
        }

        await WriteErrorAsync(context.Response, 404, "Session not found.", -32001).ConfigureAwait(false);
    }

    private static async Task WriteErrorAsync(HttpListenerResponse response, int status, string message, int code = -32000)
    {
        var body = new MemoryStream();
        using (var writer = new Utf8JsonWriter(body, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            writer.WriteStartObject("error");
            writer.WriteNumber("code", code);
            writer.WriteString("message", message);
            writer.WriteEndObject();
            writer.WriteNull("id");
            writer.WriteEndObject();
        }

        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body.ToArray()).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var id in sessions.Keys)
        {
            if (sessions.TryRemove(id, out var session))
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (listener.IsListening)
        {
            listener.Stop();
        }

        listener.Close();
    }
}
