using System.Text.Json;
using Cart;
using Clay.Client.Export;
using Clay.Testing.Replay;
using Clay.TestComponents.Testing;

namespace Clay.EndToEnd.Tests.Testing;

/// <summary>
/// A shopping cart's history recorded by a real server process, exported with
/// <c>clay worker oplog --export</c>, and replayed in this process against the component's code:
/// the same code matches it entry for entry; a deliberately changed one is caught where it diverges.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ReplayOfRecordedHistoryTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e-replay", Guid.NewGuid().ToString("N"));
    private ServerProcess _server = null!;
    private ClayCli _clay = null!;
    private string _export = null!;

    public async Task InitializeAsync()
    {
        ClayInstallation.EnsurePublished();
        Directory.CreateDirectory(_root);
        _server = new ServerProcess(Path.Combine(_root, "data"));
        await _server.StartAsync();
        _clay = new ClayCli(_server.Url, Path.Combine(_root, "home"));
        await _clay.OkAsync(_root, "app", "new", "shop", "csharp");
        var app = Path.Combine(_root, "shop");
        await _clay.OkAsync(app, "component", "new", "csharp/example-shopping-cart", "demo:cart");
        await _clay.OkAsync(app, "app", "deploy");
        await _clay.OkAsync(app, "worker", "invoke", "demo:cart/alice", "initialize-cart", "\"alice\"");
        await _clay.OkAsync(app, "worker", "invoke", "demo:cart/alice", "add-item", "{ product-id: \"p1\", name: \"Mug\", price: 9.5, quantity: 2 }");
        for (var i = 0; i < 3; i++) await _clay.OkAsync(app, "worker", "invoke", "demo:cart/alice", "checkout");
        await _clay.OkAsync(app, "worker", "invoke", "demo:cart/alice", "add-item", "{ product-id: \"p2\", name: \"Tea\", price: 4.25, quantity: 1 }");
        _export = Path.Combine(_root, "alice.oplog.jsonl");
        var written = await _clay.OkAsync(app, "worker", "oplog", "demo:cart/alice", "--export", _export, "--format", "json");
        using var summary = JsonDocument.Parse(written);
        Assert.Equal(_export, summary.RootElement.GetProperty("file").GetString());
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task The_export_holds_the_whole_history_and_replays_against_the_same_code()
    {
        await using var file = File.OpenRead(_export);
        var export = await OplogExport.ReadAsync(file);
        Assert.Equal(("demo:cart", "alice"), (export.Header.Component, export.Header.Worker));
        Assert.Equal("create", export.Entries[0].Kind);
        Assert.Equal(6, export.Entries.Count(e => e.Kind == "exported-function-invoked"));

        var result = await WorkerReplayer.ReplayAsync<ShoppingCart>(_export);

        Assert.True(result.IsDeterministic, result.Failure?.Message);
        Assert.Equal(export.Entries.Count, result.Entries);
    }

    [Fact]
    public async Task A_changed_component_is_reported_nondeterministic_at_the_first_recorded_random_number()
    {
        await using var file = File.OpenRead(_export);
        var export = await OplogExport.ReadAsync(file);
        var firstRandom = export.Entries.First(e => e.Kind == "imported-function-invoked" && e.Fields.Any(f => f[1].Contains("random", StringComparison.Ordinal)));

        var result = await WorkerReplayer.ReplayAsync<ReorderedShoppingCart>(_export);

        var divergence = Assert.IsType<ReplayDivergence>(result.Divergence);
        Assert.Equal(firstRandom.Index, divergence.EntryIndex);
        Assert.Equal("effect random::next-u64", divergence.Expected);
        Assert.Equal("effect random::new-guid", divergence.Actual);
    }

    [Fact]
    public async Task Export_refuses_a_query_and_names_the_conflict()
    {
        var refused = await _clay.RunAsync(_root, "worker", "oplog", "demo:cart/alice", "--export", Path.Combine(_root, "x.jsonl"), "--query", "checkout");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--export writes the whole oplog", refused.StdErr + refused.StdOut, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "x.jsonl")));
    }
}
