using System.Net;
using System.Text;
using System.Text.Json;

namespace Clay.EndToEnd.Tests;

/// <summary>Bad input against a real server process: always a 4xx with a stable code, and the server keeps serving.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ServerErrorTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));
    private ServerProcess _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = new ServerProcess(Path.Combine(_root, "data"));
        await _server.StartAsync();
        _http = _server.CreateHttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Theory]
    [InlineData("GET", "/v1/components/demo:nothing", null, 404, "component-not-found")]
    [InlineData("GET", "/v1/components/Bad..Name", null, 400, "invalid-name")]
    [InlineData("GET", "/v1/components/demo:nothing/workers/w1", null, 404, "worker-not-found")]
    [InlineData("GET", "/v1/nothing-here", null, 404, "not-found")]
    [InlineData("POST", "/v1/components/demo:x/workers/w1/invoke", "{not json", 400, "invalid-request")]
    [InlineData("POST", "/v1/components/demo:x/workers/w1/invoke", "{\"function\":\"f\"}", 404, "component-not-found")]
    [InlineData("POST", "/v1/components", "plain text", 400, "invalid-request")]
    public async Task Bad_requests_get_a_4xx_with_a_stable_code(string method, string path, string? body, int status, string code)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, json.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error").GetProperty("message").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task An_upload_that_is_not_a_package_is_rejected_clearly()
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("demo:broken"), "name" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes("this is not a zip")), "package", "broken.zip" },
        };
        using var response = await _http.PostAsync("/v1/components", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("invalid-package", text);
        Assert.Contains("not a zip", text);
    }
}
