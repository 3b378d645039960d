using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Clay.Dashboard.Tests;

/// <summary>
/// A real clay-server with two components deployed by the real CLI — the shopping cart and a worker
/// that logs while its invocation runs — and 10,000 cart workers, plus a headless Chromium.
/// </summary>
public sealed class DashboardServer : IAsyncLifetime
{
    public const string Cart = "demo:cart";
    public const string Talker = "demo:talker";
    public const int ManyWorkers = 10_000;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-dashboard", Guid.NewGuid().ToString("N"));

    public ServerProcess Server { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(2) };

    public Browser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: CLAY_SCREENSHOTS when set (relative to the repository: docs/images refreshes them), else the test's folder.</summary>
    public string Screenshots { get; } = Environment.GetEnvironmentVariable("CLAY_SCREENSHOTS") is { Length: > 0 } dir
        ? Path.GetFullPath(dir, ClayInstallation.RepositoryRoot)
        : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(Screenshots);
        Server = new ServerProcess(Path.Combine(_root, "data"));
        await Server.StartAsync();
        Http.BaseAddress = new Uri(Server.Url);
        // Every request but the health checks needs the server's token, on loopback too.
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Server.Token);
        var clay = new ClayCli(Server.Url, Path.Combine(_root, "home"));
        await clay.OkAsync(_root, "app", "new", "shop", "csharp");
        var app = Path.Combine(_root, "shop");
        await clay.OkAsync(app, "component", "new", "csharp/example-shopping-cart", Cart);
        await clay.OkAsync(app, "component", "new", "csharp/default", Talker);
        var worker = Path.Combine(app, "components", "demo-talker", "Worker.cs");
        File.WriteAllText(worker, File.ReadAllText(worker).Replace("public ulong Get() => _total;", """
            public ulong Get() => _total;

                /// <summary>Logs "line 1".."line N", sleeping durably between lines, then holds the invocation open.</summary>
                public async Task<ulong> Talk(uint lines, ulong pauseMilliseconds, ulong holdMilliseconds)
                {
                    for (var i = 1; i <= lines; i++)
                    {
                        context.Log($"line {i}");
                        await context.SleepAsync(TimeSpan.FromMilliseconds(pauseMilliseconds));
                    }
                    await context.SleepAsync(TimeSpan.FromMilliseconds(holdMilliseconds));
                    return ++_total;
                }
            """, StringComparison.Ordinal));
        await clay.OkAsync(app, "app", "deploy");

        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < ManyWorkers)
            {
                using var response = await Http.PostAsJsonAsync($"/v1/components/{Cart}/workers", new { name = $"w{n:D5}" });
                response.EnsureSuccessStatusCode();
            }
        }));
        Browser = await Browser.LaunchAsync();
        // Signed in as the login page would: the dashboard's cookie holds the token.
        await Browser.Context.AddCookiesAsync([new Microsoft.Playwright.Cookie
        {
            Name = "clay-token", Value = Server.Token, Url = Server.Url, HttpOnly = true, SameSite = Microsoft.Playwright.SameSiteAttribute.Strict,
        }]);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Http.Dispose();
        await Server.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    /// <summary>Invokes a function through the REST API; fails on an error answer.</summary>
    public async Task<JsonNode> InvokeAsync(string component, string worker, string function, params string[] args)
    {
        using var response = await Http.PostAsJsonAsync($"/v1/components/{component}/workers/{worker}/invoke", new { function, args });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{component}/{worker} {function}: {text}");
        return JsonNode.Parse(text)!;
    }
}
