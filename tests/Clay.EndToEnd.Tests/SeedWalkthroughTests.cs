using System.Text.Json;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// The seed walkthrough at reduced scale, with the real `clay` executable against a real server
/// process: 10 components × 20 workers, then SIGKILL, restart, and every cart is intact.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class SeedWalkthroughTests : IAsyncLifetime
{
    private const int Components = 10;
    private const int WorkersPerComponent = 20;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));
    private ServerProcess _server = null!;
    private ClayCli _clay = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        _server = new ServerProcess(Path.Combine(_root, "data"));
        await _server.StartAsync();
        _clay = new ClayCli(_server.Url, Path.Combine(_root, "home"));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task The_walkthrough_works_and_every_cart_survives_a_kill_9()
    {
        await _clay.OkAsync(_root, "app", "new", "manyworkers", "csharp");
        var app = Path.Combine(_root, "manyworkers");
        for (var i = 0; i < Components; i++) await _clay.OkAsync(app, "component", "new", "csharp/example-shopping-cart", $"demo:cart{i}");
        await _clay.OkAsync(app, "app", "build");
        await _clay.OkAsync(app, "app", "deploy");

        var component = await _clay.OkAsync(app, "component", "get", "demo:cart0");
        Assert.Contains("add-item: func(item: product-item)", component);
        Assert.Contains("get-cart-contents: func() -> list<product-item>", component);

        for (var j = 0; j < WorkersPerComponent; j++)
        {
            for (var i = 0; i < Components; i++)
            {
                var worker = $"demo:cart{i}/{j}";
                await _clay.OkAsync(app, "worker", "new", worker);
                await _clay.OkAsync(app, "worker", "invoke", worker, "initialize-cart", "\"user1\"");
                await _clay.OkAsync(app, "worker", "invoke", worker, "add-item",
                    $"{{ product-id: \"p1\", name: \"Example product {j}/{i}\", price: 1000.0, quantity: 2 }}");
            }
        }

        var get = await _clay.OkAsync(app, "worker", "get", "demo:cart0/3");
        Assert.Contains("Idle", get);
        var list = await _clay.OkAsync(app, "worker", "list", "demo:cart5", "--filter", "status == Idle", "--format", "json");
        using (var listed = JsonDocument.Parse(list))
        {
            Assert.Equal(WorkersPerComponent, listed.RootElement.GetProperty("workers").GetArrayLength());
        }
        var oplog = await _clay.OkAsync(app, "worker", "oplog", "demo:cart0/3", "--query", "add-item");
        Assert.Contains("exported-function-invoked", oplog);
        Assert.Contains("Example product 3/0", oplog);

        await _server.KillAsync();
        await _server.StartAsync();

        for (var i = 0; i < Components; i++)
        {
            for (var j = 0; j < WorkersPerComponent; j += 7)
            {
                var contents = await _clay.OkAsync(app, "worker", "invoke", $"demo:cart{i}/{j}", "get-cart-contents", "--format", "json");
                using var json = JsonDocument.Parse(contents);
                var items = json.RootElement.GetProperty("result").GetProperty("json");
                Assert.Equal(1, items.GetArrayLength());
                Assert.Equal($"Example product {j}/{i}", items[0].GetProperty("name").GetString());
            }
        }
        await _clay.OkAsync(app, "worker", "invoke", "demo:cart9/19", "add-item",
            "{ product-id: \"p2\", name: \"After restart\", price: 1.5, quantity: 1 }");
        var after = await _clay.OkAsync(app, "worker", "invoke", "demo:cart9/19", "get-cart-contents", "--format", "json");
        using (var afterJson = JsonDocument.Parse(after))
        {
            Assert.Equal(2, afterJson.RootElement.GetProperty("result").GetProperty("json").GetArrayLength());
        }

        // SIGTERM: a clean shutdown exits 0 and keeps everything acknowledged.
        Assert.Equal(0, await _server.TerminateAsync());
        Assert.Contains("Clay server stopped", _server.Output.ToString());
        await _server.StartAsync();
        var final = await _clay.OkAsync(app, "worker", "invoke", "demo:cart9/19", "get-cart-contents");
        Assert.Contains("After restart", final);
        Assert.Contains("Example product 19/9", final);
    }
}
