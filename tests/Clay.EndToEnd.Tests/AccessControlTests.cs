using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Clay.EndToEnd.Tests;

/// <summary>Loopback needs no token; any other address needs the token generated at first start.</summary>
[Trait("Category", "EndToEnd")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AccessControlTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task On_loopback_requests_need_no_token_and_none_is_created()
    {
        await using var server = new ServerProcess(Path.Combine(_root, "data"));
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

        using var response = await http.GetAsync("/v1/components");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(File.Exists(Path.Combine(server.DataDirectory, "access-token")));
    }

    [Fact]
    public async Task Beyond_loopback_every_request_needs_the_token_generated_at_first_start()
    {
        var data = Path.Combine(_root, "data");
        string token;
        await using (var server = new ServerProcess(data))
        {
            await server.StartAsync("--listen", "0.0.0.0");
            var tokenFile = Path.Combine(data, "access-token");
            token = (await File.ReadAllTextAsync(tokenFile)).Trim();
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
            Assert.Contains(token, server.Output.ToString());
            Assert.StartsWith("clay_", token); // never '-', which the CLI would take for an option
            Assert.Equal("clay_".Length + 43, token.Length); // 32 random bytes
            using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

            var missing = await SendAsync(http, null);
            var wrong = await SendAsync(http, "not-the-token");
            var right = await SendAsync(http, token);
            using var health = await http.GetAsync("/health");
            using var metrics = await http.GetAsync("/metrics");

            Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized"), (missing.Status, missing.Code));
            Assert.Contains("access token", missing.Message);
            Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized"), (wrong.Status, wrong.Code));
            Assert.Equal(HttpStatusCode.OK, right.Status);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
        }

        // A restart keeps the token and does not show it again.
        await using (var again = new ServerProcess(data))
        {
            await again.StartAsync("--listen", "0.0.0.0");
            Assert.DoesNotContain(token, again.Output.ToString());
            var cli = new ClayCli(again.Url, Path.Combine(_root, "home"));

            var refused = await cli.RunAsync(_root, "component", "list");
            await cli.OkAsync(_root, "profile", "set", "token", token);
            var accepted = await cli.RunAsync(_root, "component", "list");

            Assert.Equal(6, refused.ExitCode);
            Assert.Contains("error[unauthorized]", refused.StdErr);
            Assert.True(accepted.ExitCode == 0, accepted.StdErr);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite,
                File.GetUnixFileMode(Path.Combine(_root, "home", ".clay", "profile.json")));
        }
    }

    private static async Task<(HttpStatusCode Status, string? Code, string Message)> SendAsync(HttpClient http, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/components");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.IsSuccessStatusCode) return (response.StatusCode, null, text);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
        using var json = JsonDocument.Parse(text);
        var error = json.RootElement.GetProperty("error");
        return (response.StatusCode, error.GetProperty("code").GetString(), error.GetProperty("message").GetString()!);
    }
}
