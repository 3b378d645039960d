using System.IO.Compression;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Clay.EndToEnd.Tests.Durable;

/// <summary>
/// A real clay-server with the <c>sleeper</c> component deployed (tests/Clay.EndToEnd.Sleeper), its
/// data directory kept across kills and restarts, and the REST calls and `clay` commands the tests of
/// execution that continues by itself use.
/// </summary>
public sealed partial class SleeperServer : IAsyncDisposable
{
    public const string Component = "sleeper";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));
    private readonly string[] _args;
    private ServerProcess _server;
    // Made once the server has started: it sends the token the server wrote.
    private HttpClient _http = null!;

    private SleeperServer(string[] args)
    {
        _args = args;
        Directory.CreateDirectory(_root);
        _server = new ServerProcess(Path.Combine(_root, "data"));
    }

    /// <summary>The running server's URL.</summary>
    public string Url => _server.Url;

    /// <summary>When the server last said it was ready.</summary>
    public DateTimeOffset ReadyAt { get; private set; }

    /// <summary>Starts a server with <paramref name="args"/> and deploys the sleeper component.</summary>
    public static async Task<SleeperServer> StartAsync(params string[] args)
    {
        var server = new SleeperServer(args);
        try
        {
            await server.StartServerAsync();
            await server.DeployAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>kill -9, then a new server process on the same data directory (and a new port).</summary>
    public async Task KillAndRestartAsync()
    {
        await _server.KillAsync();
        _http.Dispose();
        _server = new ServerProcess(_server.DataDirectory);
        await StartServerAsync();
    }

    /// <summary>Invokes and waits for the result's WAVE text; fails the test on an error.</summary>
    public async Task<string> InvokeAsync(string worker, string function, params string[] args)
    {
        var (status, body) = await TryInvokeAsync(worker, function, args);
        Assert.True(status < 300, $"{worker} {function}: {status} {body}");
        return JsonNode.Parse(body)!["result"]!["wave"]!.GetValue<string>();
    }

    /// <summary>Invokes and waits; returns the HTTP status and body, whatever they are.</summary>
    public async Task<(int Status, string Body)> TryInvokeAsync(string worker, string function, params string[] args) =>
        await PostInvokeAsync(worker, function, args, "await");

    /// <summary>Queues an invocation without waiting for it (it is durable once this returns).</summary>
    public async Task EnqueueAsync(string worker, string function, params string[] args)
    {
        var (status, body) = await PostInvokeAsync(worker, function, args, "enqueue");
        Assert.True(status < 300, $"{worker} {function} (enqueue): {status} {body}");
    }

    /// <summary>The worker's status as <c>GET …/workers/{worker}</c> shows it; null while it does not exist yet.</summary>
    public async Task<string?> StatusAsync(string worker)
    {
        using var response = await _http.GetAsync($"/v1/components/{Component}/workers/{worker}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{worker}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["status"]!.GetValue<string>();
    }

    /// <summary>
    /// The status of each worker as the listing shows it: read from the store for workers out of
    /// memory, so asking never brings a worker back.
    /// </summary>
    public async Task<Dictionary<string, string>> StatusesAsync()
    {
        var statuses = new Dictionary<string, string>(StringComparer.Ordinal);
        string? cursor = null;
        do
        {
            var page = JsonNode.Parse(await _http.GetStringAsync($"/v1/components/{Component}/workers?count=10000"
                + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")))!;
            foreach (var w in page["workers"]!.AsArray()) statuses[w!["workerName"]!.GetValue<string>()] = w["status"]!.GetValue<string>();
            cursor = page["cursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return statuses;
    }

    /// <summary>Polls (every <paramref name="every"/>, 50 ms by default, up to <paramref name="timeout"/>) until <paramref name="condition"/> holds; fails the test with <paramref name="what"/> otherwise.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {timeout}: {what()}");
            using var tick = new PeriodicTimer(every ?? TimeSpan.FromMilliseconds(50));
            await tick.WaitForNextTickAsync();
        }
    }

    /// <summary>A value of the server's Prometheus metrics; <paramref name="absent"/>, when given, stands for one not exposed yet (a counter before its first count).</summary>
    public async Task<double> MetricAsync(string name, double? absent = null)
    {
        var exposition = await _http.GetStringAsync("/metrics");
        var match = Regex.Match(exposition, $@"(?m)^{name}(\{{[^}}]*\}})? ([0-9.eE+-]+)");
        if (!match.Success && absent is { } value) return value;
        Assert.True(match.Success, $"no {name} in\n{exposition}");
        return double.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs the real `clay` against this server.</summary>
    public Task<CliResult> ClayAsync(params string[] args) =>
        new ClayCli(_server.Url, Path.Combine(_root, "home")).RunAsync(_root, args);

    /// <summary>What the server printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_server.Output) return _server.Output.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        await _server.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private async Task StartServerAsync()
    {
        await _server.StartAsync(_args);
        ReadyAt = DateTimeOffset.UtcNow;
        _http = NewClient(_server);
    }

    private async Task<(int, string)> PostInvokeAsync(string worker, string function, string[] args, string mode)
    {
        using var response = await _http.PostAsJsonAsync($"/v1/components/{Component}/workers/{worker}/invoke", new { function, args, mode });
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Uploads the sleeper's assembly as a component package.</summary>
    private async Task DeployAsync()
    {
        var assembly = typeof(Clay.EndToEnd.Sleeper.Sleeper).Assembly.Location;
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using (var manifest = zip.CreateEntry("clay-component.json").Open())
            {
                await manifest.WriteAsync(Encoding.UTF8.GetBytes($$"""{"name":"{{Component}}","entryAssembly":"{{Path.GetFileName(assembly)}}"}"""));
            }
            await using var code = zip.CreateEntry(Path.GetFileName(assembly)).Open();
            await code.WriteAsync(await File.ReadAllBytesAsync(assembly));
        }
        using var form = new MultipartFormDataContent
        {
            { new StringContent(Component), "name" },
            { new ByteArrayContent(buffer.ToArray()), "package", "sleeper.zip" },
        };
        using var response = await _http.PostAsync("/v1/components", form);
        Assert.True(response.IsSuccessStatusCode, $"deploying {Component}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static HttpClient NewClient(ServerProcess server)
    {
        var http = server.CreateHttpClient();
        http.Timeout = TimeSpan.FromMinutes(3);
        return http;
    }
}
