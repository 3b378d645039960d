using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// A server with a small memory budget: most of 2,000 cart workers are evicted, yet every one
/// answers with exactly its items afterwards; and a worker in the middle of an invocation is
/// never evicted, however high the pressure.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed partial class ResidencyTests : IAsyncLifetime
{
    private const int Workers = 2000;
    private const long Budget = 2 * 1024 * 1024;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));
    private HttpClient _http = null!;
    private ServerProcess _server = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        _server = new ServerProcess(Path.Combine(_root, "data"));
        // The budget comes from a configuration file, as an operator would set it.
        var config = Path.Combine(_root, "server.conf");
        File.WriteAllText(config, "# residency test\nmemory-budget 2MiB   # small on purpose\nmax-idle 10m\n");
        await _server.StartAsync("--config", config);
        _http = _server.CreateHttpClient();
        var clay = new ClayCli(_server.Url, Path.Combine(_root, "home"));
        await clay.OkAsync(_root, "app", "new", "shop", "csharp");
        var app = Path.Combine(_root, "shop");
        await clay.OkAsync(app, "component", "new", "csharp/example-shopping-cart", "demo:cart");
        await clay.OkAsync(app, "component", "new", "csharp/default", "demo:holder");
        var worker = Path.Combine(app, "components", "demo-holder", "Worker.cs");
        File.WriteAllText(worker, File.ReadAllText(worker).Replace("public ulong Get() => _total;", """
            public ulong Get() => _total;

                /// <summary>Calls a URL that answers when the test says so, holding the invocation open.</summary>
                public async Task<ulong> Hold(string url)
                {
                    await context.Http.GetStringAsync(new Uri(url));
                    return ++_total;
                }
            """, StringComparison.Ordinal));
        await clay.OkAsync(app, "app", "deploy");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Evicted_workers_come_back_with_exactly_their_state_and_a_running_one_is_never_evicted()
    {
        // Held open inside an effect until the pressure below is over.
        using var gate = new GateHttpServer();
        var holding = InvokeAsync("demo:holder", "held", "hold", $"\"{gate.Url}\"");
        await gate.Arrived.WaitAsync(TimeSpan.FromSeconds(60));

        await Parallel.ForEachAsync(Enumerable.Range(0, Workers), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            await InvokeAsync("demo:cart", $"w{i}", "initialize-cart", $"\"user{i}\"");
            await InvokeAsync("demo:cart", $"w{i}", "add-item", $"{{ product-id: \"p{i}\", name: \"item {i}\", price: 1.5, quantity: {i % 7 + 1} }}");
        });
        var metrics = await _http.GetStringAsync("/metrics");
        var evictions = Metric(metrics, "clay_worker_evictions_total");
        var held = await WorkerAsync("demo:holder", "held");

        Assert.Equal(Budget, Metric(metrics, "clay_memory_budget_bytes"));
        Assert.False(holding.IsCompleted);
        Assert.True(evictions >= Workers / 2, $"{evictions} evictions:\n{metrics}");
        Assert.True(Metric(metrics, "clay_workers_resident") < Workers / 2, metrics);
        Assert.Equal("Running", held!["status"]!.GetValue<string>());
        Assert.True(held["resident"]!.GetValue<bool>(), "the worker in the middle of an invocation was evicted");
        // The workers live in the component's host, which evicts them; the server lets go of their grains
        // too (as each host's notice of its evictions arrives), instead of holding one per worker until --max-idle.
        var grains = await MetricUntilAsync("clay_worker_grains", g => g < Workers / 4);
        Assert.True(grains < Workers / 4, $"{grains} worker grains still active in the server for {Workers} workers, most of them evicted");
        // The budget is the whole server's, shared by its two hosts, less what the processes take themselves
        // (here more than the budget: a quarter of it is left for workers). Each host alone would fill it.
        var used = await MetricUntilAsync("clay_memory_used_bytes", u => u <= Budget / 2);
        Assert.True(used <= Budget / 2, $"the workers of the two component hosts hold {used} bytes under a {Budget}-byte budget");
        gate.Open();
        Assert.Equal("1", (await holding)["result"]!["wave"]!.GetValue<string>());

        var order = Enumerable.Range(0, Workers).OrderBy(_ => Random.Shared.Next()).ToList();
        await Parallel.ForEachAsync(order, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var contents = await InvokeAsync("demo:cart", $"w{i}", "get-cart-contents");
            Assert.Equal($"[{{product-id: \"p{i}\", name: \"item {i}\", price: 1.5, quantity: {i % 7 + 1}}}]", contents["result"]!["wave"]!.GetValue<string>());
        });
        var after = await _http.GetStringAsync("/metrics");
        Assert.True(Metric(after, "clay_worker_recoveries_total") >= Workers / 2, after);
    }

    private async Task<JsonNode> InvokeAsync(string component, string worker, string function, params string[] args)
    {
        using var response = await _http.PostAsJsonAsync($"/v1/components/{component}/workers/{worker}/invoke",
            new { function, args });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{component}/{worker} {function}: {text}");
        return JsonNode.Parse(text)!;
    }

    private async Task<JsonNode?> WorkerAsync(string component, string worker)
    {
        using var response = await _http.GetAsync($"/v1/components/{component}/workers/{worker}");
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
    }

    /// <summary>A metric of the server, read until <paramref name="done"/> holds or 30 s have passed.</summary>
    private async Task<double> MetricUntilAsync(string name, Func<double, bool> done)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var value = Metric(await _http.GetStringAsync("/metrics"), name);
            if (done(value) || DateTime.UtcNow > until) return value;
            await Task.Delay(100);
        }
    }

    private static double Metric(string exposition, string name)
    {
        var match = Regex.Match(exposition, $@"(?m)^{name}(\{{[^}}]*\}})? ([0-9.eE+-]+)");
        Assert.True(match.Success, $"no {name} in\n{exposition}");
        return double.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
