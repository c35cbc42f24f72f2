using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MixtralPS.TestServer;

namespace MixtralPS.Core.Tests;

/// <summary>The test server's /v1/ocr: bodies checked against OCRRequest, answers in the documented OCRResponse shape.</summary>
public sealed class TestServerOcrTests : IAsyncLifetime
{
    private const string Ocr = "v1/ocr";
    private static readonly string PngUrl = "data:image/png;base64," + Convert.ToBase64String([0x89, .. "PNG\r\n"u8, 0x1A, (byte)'\n', 0]);
    private MockMistralServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await MockMistralServer.StartAsync();
        _http = new HttpClient { BaseAddress = _server.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private Task<HttpResponseMessage> PostAsync(string json) =>
        _http.PostAsync(Ocr, new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task A_valid_request_gets_one_documented_page_per_image()
    {
        using var response = await PostAsync($$$"""{"model":"mistral-ocr-latest","document":{"type":"image_url","image_url":"{{{PngUrl}}}"}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(_server.Violations);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var page = Assert.Single(json["pages"]!.AsArray())!;
        Assert.Equal(0, (int)page["index"]!);
        Assert.StartsWith("# Page 1", (string)page["markdown"]!);
        Assert.NotNull(page["images"]);
        Assert.NotNull(page["dimensions"]!["dpi"]);
        Assert.Equal(1, (int)json["usage_info"]!["pages_processed"]!);
        Assert.Equal("mistral-ocr-latest", (string?)json["model"]);
    }

    [Theory]
    [InlineData("""{"document":{"type":"image_url","image_url":"IMAGE"}}""", "model")]
    [InlineData("""{"model":"m","document":{"type":"document_url","document_url":"IMAGE","extra":1}}""", "document")]
    [InlineData("""{"model":"m","document":{"type":"image_url","image_url":"IMAGE"},"unknown":true}""", "unknown")]
    public async Task A_body_outside_the_schema_is_a_violation(string body, string field)
    {
        using var response = await PostAsync(body.Replace("IMAGE", PngUrl));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(_server.Violations, v => v.Contains(field));
    }

    [Fact]
    public async Task Bytes_that_are_not_the_named_media_type_are_refused()
    {
        var url = "data:image/png;base64," + Convert.ToBase64String("plain text"u8.ToArray());

        using var response = await PostAsync($$$"""{"model":"m","document":{"type":"image_url","image_url":"{{{url}}}"}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("not a image/png file", await response.Content.ReadAsStringAsync());
        Assert.Empty(_server.Violations);
    }
}
