using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// Who may use a server: every request but GET /health needs the server's token (on loopback too,
/// where clay on the same machine finds it by itself); on loopback only the server's own loopback
/// names reach it; web pages of other origins are refused.
/// </summary>
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
    public async Task On_loopback_every_request_but_health_needs_the_local_token()
    {
        await using var server = new ServerProcess(Path.Combine(_root, "data"));
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        var tokenFile = Path.Combine(server.DataDirectory, "access-token");

        var read = await SendAsync(http, HttpMethod.Get, "/v1/components", null);
        var invoke = await SendAsync(http, HttpMethod.Post, "/v1/components/demo:x/workers/w/invoke", null);
        var deploy = await SendAsync(http, HttpMethod.Post, "/v1/components", null);
        var wrong = await SendAsync(http, HttpMethod.Get, "/v1/components", "clay_not-the-token");
        var right = await SendAsync(http, HttpMethod.Get, "/v1/components", server.Token);
        using var health = await http.GetAsync("/health");

        Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized"), (read.Status, read.Code));
        Assert.Contains("local access token", read.Message);
        Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized"), (invoke.Status, invoke.Code));
        Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized"), (deploy.Status, deploy.Code));
        Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized"), (wrong.Status, wrong.Code));
        Assert.Equal(HttpStatusCode.OK, right.Status);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(server.DataDirectory));
        Assert.DoesNotContain(server.Token, server.Output.ToString());
    }

    [Theory]
    [InlineData("evil.example:{port}")]          // DNS rebinding: a site's name pointed at 127.0.0.1
    [InlineData("127.0.0.1.nip.io:{port}")]
    [InlineData("127.0.0.1:{other}")]             // another port: a proxy or a different server
    [InlineData("localhost")]
    public async Task On_loopback_a_request_for_another_host_is_refused_even_with_the_token(string host)
    {
        await using var server = new ServerProcess(Path.Combine(_root, "data"));
        await server.StartAsync();
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/components");
        request.Headers.Host = host.Replace("{port}", server.Port.ToString()).Replace("{other}", (server.Port + 1).ToString());

        var (status, code, message) = await ReadAsync(await http.SendAsync(request));

        Assert.Equal((HttpStatusCode.Forbidden, "forbidden-host"), (status, code));
        Assert.Contains("DNS rebinding", message);
    }

    [Theory]
    [InlineData("localhost:{port}")]
    [InlineData("LocalHost:{port}")]
    [InlineData("127.0.0.1:{port}")]
    [InlineData("[::1]:{port}")]
    public async Task On_loopback_the_servers_own_names_are_served(string host)
    {
        await using var server = new ServerProcess(Path.Combine(_root, "data"));
        await server.StartAsync();
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/components");
        request.Headers.Host = host.Replace("{port}", server.Port.ToString());

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("Origin", "http://evil.example")]
    [InlineData("Origin", "null")]
    [InlineData("Origin", "http://127.0.0.1:{other}")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task A_request_from_a_web_page_of_another_origin_is_refused_even_with_the_token(string header, string value)
    {
        await using var server = new ServerProcess(Path.Combine(_root, "data"));
        await server.StartAsync();
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/components/demo:x/workers");
        request.Content = new StringContent("""{"name":"w"}""", Encoding.UTF8, "application/json");
        request.Headers.TryAddWithoutValidation(header, value.Replace("{other}", (server.Port + 1).ToString()));

        var (status, code, _) = await ReadAsync(await http.SendAsync(request));

        Assert.Equal((HttpStatusCode.Forbidden, "forbidden-origin"), (status, code));
    }

    [Fact]
    public async Task A_request_from_the_servers_own_origin_is_served()
    {
        await using var server = new ServerProcess(Path.Combine(_root, "data"));
        await server.StartAsync();
        using var http = server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/components");
        request.Headers.TryAddWithoutValidation("Origin", server.Url);
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_token_is_checked_before_the_body_size_and_before_the_body_is_read()
    {
        await using var server = new ServerProcess(Path.Combine(_root, "data"));
        await server.StartAsync();
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = socket.GetStream();
        // A gigabyte announced and never sent: the answer must come without waiting for it, and say who is missing.
        var head = $"POST /v1/components HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 1073741824\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        var response = Encoding.UTF8.GetString(buffer, 0, read);

        Assert.StartsWith("HTTP/1.1 401", response);
        Assert.Contains("\"unauthorized\"", response);
    }

    [Fact]
    public async Task Clay_on_the_same_machine_finds_the_local_token_by_itself()
    {
        await using var server = new ServerProcess(Path.Combine(_root, "data"));
        await server.StartAsync();
        // The user's clay: the same HOME as the server, where the server noted where its token is.
        var local = new ClayCli(server.Url, server.HomeDirectory);
        // Another account on the machine: its own HOME, and the token file is not readable to it anyway.
        var stranger = new ClayCli(server.Url, Path.Combine(_root, "stranger"));

        var listed = await local.RunAsync(_root, "component", "list");
        var refused = await stranger.RunAsync(_root, "component", "list");

        Assert.True(listed.ExitCode == 0, listed.StdErr);
        Assert.Contains("No components", listed.StdOut);
        Assert.Equal(6, refused.ExitCode);
        Assert.Contains("error[unauthorized]", refused.StdErr);
        var note = Path.Combine(server.HomeDirectory, ".clay", "servers", $"{server.Port}.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(note));
        Assert.DoesNotContain(server.Token, await File.ReadAllTextAsync(note));
    }

    [Fact]
    public async Task Beyond_loopback_the_token_is_shown_once_and_remote_clients_send_it()
    {
        var data = Path.Combine(_root, "data");
        string token;
        await using (var server = new ServerProcess(data))
        {
            await server.StartAsync("--listen", "0.0.0.0");
            token = server.Token;
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, "access-token")));
            Assert.Contains(token, server.Output.ToString());
            Assert.StartsWith("clay_", token); // never '-', which the CLI would take for an option
            Assert.Equal("clay_".Length + 43, token.Length); // 32 random bytes
            using var http = new HttpClient { BaseAddress = new Uri(server.Url) };

            var missing = await SendAsync(http, HttpMethod.Get, "/v1/components", null);
            var right = await SendAsync(http, HttpMethod.Get, "/v1/components", token);
            using var metrics = await http.GetAsync("/metrics");

            Assert.Equal((HttpStatusCode.Unauthorized, "unauthorized"), (missing.Status, missing.Code));
            Assert.Contains("access token", missing.Message);
            Assert.Equal(HttpStatusCode.OK, right.Status);
            Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
        }

        // A restart keeps the token and does not show it again.
        await using (var again = new ServerProcess(data))
        {
            await again.StartAsync("--listen", "0.0.0.0");
            Assert.DoesNotContain(token, again.Output.ToString());
            var remote = new ClayCli(again.Url, Path.Combine(_root, "remote"));

            var refused = await remote.RunAsync(_root, "component", "list");
            await remote.OkAsync(_root, "profile", "set", "token", token);
            var accepted = await remote.RunAsync(_root, "component", "list");

            Assert.Equal(6, refused.ExitCode);
            Assert.Contains("error[unauthorized]", refused.StdErr);
            Assert.True(accepted.ExitCode == 0, accepted.StdErr);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite,
                File.GetUnixFileMode(Path.Combine(_root, "remote", ".clay", "profile.json")));
        }
    }

    private static async Task<(HttpStatusCode Status, string? Code, string Message)> SendAsync(HttpClient http, HttpMethod method, string path, string? token)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Unauthorized) Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
        return await ReadAsync(response);
    }

    private static async Task<(HttpStatusCode Status, string? Code, string Message)> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode) return (response.StatusCode, null, text);
            using var json = JsonDocument.Parse(text);
            var error = json.RootElement.GetProperty("error");
            return (response.StatusCode, error.GetProperty("code").GetString(), error.GetProperty("message").GetString()!);
        }
    }
}
