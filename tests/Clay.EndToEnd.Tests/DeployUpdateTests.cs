using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// <c>clay app deploy --update-workers auto</c> over many shopping carts on a real server (default
/// isolation): every one of 1,000 carts is moved to the new version with its contents intact, and
/// after a <c>kill -9</c> and a restart <c>clay worker list</c> shows each on the new version while
/// none is in memory. (The benchmark <c>updates</c> times 10,000 workers.)
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class DeployUpdateTests : IAsyncLifetime
{
    private const int Carts = 1000;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));
    private ServerProcess _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
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

    [Fact]
    public async Task App_deploy_with_update_workers_moves_every_cart_to_the_new_version_with_its_contents()
    {
        var clay = new ClayCli(_server.Url, Path.Combine(_root, "home"));
        await clay.OkAsync(_root, "app", "new", "shop", "csharp");
        var app = Path.Combine(_root, "shop");
        await clay.OkAsync(app, "component", "new", "csharp/example-shopping-cart", "demo:cart");
        await clay.OkAsync(app, "app", "deploy");
        await Parallel.ForEachAsync(Enumerable.Range(0, Carts), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            await InvokeAsync($"c{i}", "initialize-cart", $"\"user{i}\"");
            await InvokeAsync($"c{i}", "add-item", $"{{ product-id: \"p{i}\", name: \"item {i}\", price: 1.5, quantity: {i % 7 + 1} }}");
        });

        // Version 1: compatible, with a new function.
        var source = Directory.GetFiles(Path.Combine(app, "components"), "ShoppingCart.cs", SearchOption.AllDirectories).Single();
        var code = File.ReadAllText(source);
        const string Anchor = "    public IReadOnlyList<ProductItem> GetCartContents() => _items;";
        Assert.Contains(Anchor, code);
        File.WriteAllText(source, code.Replace(Anchor, Anchor + "\n\n    /// <summary>How many items the cart holds.</summary>\n    public uint ItemCount() => (uint)_items.Count;\n",
            StringComparison.Ordinal));
        var deployed = await clay.RunAsync(app, "app", "deploy", "--update-workers", "auto");

        Assert.True(deployed.ExitCode == 0, deployed.StdErr + deployed.StdOut);
        Assert.Contains($"Workers of demo:cart updated to version 1: updated {Carts}, failed 0", deployed.StdOut);

        // Out of memory (a killed server keeps nothing), the listing reads each worker's version from the store.
        await _server.KillAsync();
        await _server.StartAsync();
        var versions = new Dictionary<string, long>();
        string? cursor = null;
        do
        {
            var args = new List<string> { "--format", "json", "worker", "list", "demo:cart", "--max-count", "400" };
            if (cursor is not null) args.AddRange(["--scan-cursor", cursor]);
            using var page = System.Text.Json.JsonDocument.Parse(await clay.OkAsync(app, [.. args]));
            foreach (var worker in page.RootElement.GetProperty("workers").EnumerateArray())
            {
                Assert.False(worker.GetProperty("resident").GetBoolean());
                versions.Add(worker.GetProperty("workerName").GetString()!, worker.GetProperty("componentVersion").GetInt64());
            }
            cursor = page.RootElement.TryGetProperty("cursor", out var next) && next.ValueKind == System.Text.Json.JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        Assert.Equal(Carts, versions.Count);
        Assert.All(versions, v => Assert.Equal(1, v.Value));

        await Parallel.ForEachAsync(Enumerable.Range(0, Carts), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var contents = (await InvokeAsync($"c{i}", "get-cart-contents"))["result"]!["wave"]!.GetValue<string>();
            Assert.Equal($"[{{product-id: \"p{i}\", name: \"item {i}\", price: 1.5, quantity: {i % 7 + 1}}}]", contents);
            Assert.Equal("1", (await InvokeAsync($"c{i}", "item-count"))["result"]!["wave"]!.GetValue<string>());
            var worker = JsonNode.Parse(await _http.GetStringAsync($"/v1/components/demo:cart/workers/c{i}"))!;
            Assert.Equal(1, worker["componentVersion"]!.GetValue<long>());
        });
    }

    private async Task<JsonNode> InvokeAsync(string worker, string function, params string[] args)
    {
        using var response = await _http.PostAsJsonAsync($"/v1/components/demo:cart/workers/{worker}/invoke", new { function, args });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"demo:cart/{worker} {function}: {text}");
        return JsonNode.Parse(text)!;
    }
}
