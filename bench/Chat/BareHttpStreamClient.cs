using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MixtralPS.Bench.Chat;

/// <summary>
/// The baseline: the least a .NET client must do to stream a chat answer. One pooled HttpClient, the same body
/// the module sends, response headers first, SSE lines read and each chunk's JSON parsed for its content.
/// </summary>
internal sealed class BareHttpStreamClient : IDisposable
{
    // Configured like the module's shared client (pooled, decompressing), so connection reuse is alike on both sides.
    private readonly HttpClient http = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
    })
    { Timeout = TimeSpan.FromSeconds(100) };

    private readonly Uri uri;
    private readonly byte[] body;

    public BareHttpStreamClient(Uri baseAddress, string requestBody)
    {
        uri = new Uri(baseAddress, "v1/chat/completions");
        body = Encoding.UTF8.GetBytes(requestBody);
    }

    /// <summary>Streams one answer; the clock starts before the request is built and stops at "data: [DONE]".</summary>
    public async Task<(StreamSample Sample, string Content)> RunAsync()
    {
        var start = Stopwatch.GetTimestamp();
        long first = 0, last = 0;
        var chunks = 0;
        var content = new StringBuilder();

        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal)) continue;
            var data = line.AsSpan(5).Trim();
            if (data.SequenceEqual("[DONE]"))
            {
                return (new StreamSample(start, first, last, Stopwatch.GetTimestamp(), chunks), content.ToString());
            }

            var text = DeltaContent(data);
            if (text.Length == 0) continue;
            last = Stopwatch.GetTimestamp();
            if (chunks++ == 0) first = last;
            content.Append(text);
        }

        throw new InvalidOperationException("the stream ended without data: [DONE]");
    }

    private static string DeltaContent(ReadOnlySpan<char> json)
    {
        using var doc = JsonDocument.Parse(json.ToString());
        var choices = doc.RootElement.GetProperty("choices");
        if (choices.GetArrayLength() == 0) return "";
        return choices[0].GetProperty("delta").TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String
            ? c.GetString()!
            : "";
    }

    public void Dispose() => http.Dispose();
}
