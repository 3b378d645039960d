using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// Updating workers to another version of their component through the CLI, on a real server with
/// the default isolation (workers in component hosts): auto and manual, the refusals, and a kill -9
/// during an update, after which it is done or not done, never half.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class WorkerUpdateTests : IAsyncLifetime
{
    private const string Component = "demo:upcart";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-e2e", Guid.NewGuid().ToString("N"));
    private ServerProcess _server = null!;
    private HttpClient _http = null!;
    private ClayCli _clay = null!;

    // Version 0: a cart whose add takes a durable GUID, with its own snapshot hooks.
    private const string V0 = """
        namespace Demo;
        [ClayWorker]
        public sealed class Cart(WorkerContext context) : ISnapshotable
        {
            private readonly System.Collections.Generic.List<string> _items = new();
            public uint Add(string item) { _ = context.NewGuid(); _items.Add(item); return (uint)_items.Count; }
            public System.Collections.Generic.IReadOnlyList<string> Items() => _items;
            public byte[] SaveSnapshot() => System.Text.Encoding.UTF8.GetBytes(string.Join("\n", _items));
            public void LoadSnapshot(byte[] snapshot) =>
                _items.AddRange(System.Text.Encoding.UTF8.GetString(snapshot).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        """;

    // Version 1: compatible (the same effects), with a new function.
    private static readonly string V1 = V0.Replace("public System.Collections.Generic.IReadOnlyList<string> Items()",
        "public uint Count() => (uint)_items.Count;\n    public System.Collections.Generic.IReadOnlyList<string> Items()", StringComparison.Ordinal);

    // Version 2: incompatible: add asks for the clock where version 0 asked for a GUID.
    private static readonly string V2 = V0.Replace("_ = context.NewGuid();", "_ = context.UtcNow();", StringComparison.Ordinal);

    public async Task InitializeAsync()
    {
        _server = new ServerProcess(Path.Combine(_root, "data"));
        await _server.StartAsync();
        _http = _server.CreateHttpClient();
        _clay = new ClayCli(_server.Url, _server.HomeDirectory);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Clay_worker_update_moves_workers_automatically_or_through_snapshots_and_a_failed_update_leaves_the_worker_usable()
    {
        Assert.Equal(0, await DeployAsync("Cart0", V0));
        foreach (var item in new[] { "apple", "pear" })
        {
            await InvokeAsync("a", "add", $"\"{item}\"");
            await InvokeAsync("b", "add", $"\"{item}\"");
        }
        Assert.Equal(1, await DeployAsync("Cart1", V1));
        Assert.Equal(2, await DeployAsync("Cart2", V2));

        var auto = await _clay.RunAsync(_root, "worker", "update", $"{Component}/a", "1", "--mode", "auto");
        Assert.True(auto.ExitCode == 0, auto.StdErr);
        Assert.Contains($"Updated worker {Component}/a to version 1 (auto", auto.StdOut);
        Assert.Equal("2", await InvokeAsync("a", "count"));

        var diverges = await _clay.RunAsync(_root, "worker", "update", $"{Component}/b", "2", "--mode", "auto");
        Assert.Equal(1, diverges.ExitCode);
        Assert.StartsWith("error[update-failed]:", diverges.StdErr);
        Assert.Contains("stays on version 0", diverges.StdErr);
        Assert.Equal("3", await InvokeAsync("b", "add", "\"plum\""));

        var manual = await _clay.RunAsync(_root, "worker", "update", $"{Component}/b", "2", "--mode", "manual");
        Assert.True(manual.ExitCode == 0, manual.StdErr);
        Assert.Equal("[\"apple\", \"pear\", \"plum\"]", await InvokeAsync("b", "items"));
        Assert.Equal("4", await InvokeAsync("b", "add", "\"fig\""));

        var shown = await _clay.OkAsync(_root, "worker", "get", $"{Component}/b");
        Assert.Contains("Updates:", shown);
        Assert.Matches(@"to version 2 \(auto\): failed \(.+\)", shown);
        Assert.Contains("to version 2 (manual): succeeded", shown);
        var json = JsonNode.Parse(await _clay.OkAsync(_root, "worker", "get", $"{Component}/b", "--format", "json"))!;
        Assert.Equal(2, json["componentVersion"]!.GetValue<long>());
        Assert.Equal(["failed", "succeeded"], json["updates"]!.AsArray().Select(u => u!["outcome"]!.GetValue<string>()));

        // Refusals: each with its code and exit code, nothing changed.
        var same = await _clay.RunAsync(_root, "worker", "update", $"{Component}/b", "2");
        var unknown = await _clay.RunAsync(_root, "worker", "update", $"{Component}/b", "9");
        var missing = await _clay.RunAsync(_root, "worker", "update", $"{Component}/nobody", "1");
        Assert.Equal((2, true), (same.ExitCode, same.StdErr.StartsWith("error[update-same-version]:", StringComparison.Ordinal)));
        Assert.Equal((3, true), (unknown.ExitCode, unknown.StdErr.StartsWith("error[update-version-not-found]:", StringComparison.Ordinal)));
        Assert.Equal((3, true), (missing.ExitCode, missing.StdErr.StartsWith("error[worker-not-found]:", StringComparison.Ordinal)));

        // After a restart each worker runs the version its last successful update chose.
        await _server.TerminateAsync();
        await _server.StartAsync();
        _http.Dispose();
        _http = _server.CreateHttpClient();
        Assert.Equal("2", await InvokeAsync("a", "count"));
        Assert.Equal("[\"apple\", \"pear\", \"plum\", \"fig\"]", await InvokeAsync("b", "items"));
    }

    [Fact]
    public async Task A_kill_during_an_update_leaves_it_done_or_not_done_and_the_worker_whole()
    {
        const int Items = 300;
        Assert.Equal(0, await DeployAsync("Cart0", V0));
        for (var i = 0; i < Items; i++) await InvokeAsync("long", "add", $"\"item{i}\"");
        Assert.Equal(1, await DeployAsync("Cart1", V1));
        var before = (await WorkerAsync("long"))["oplogLength"]!.GetValue<long>();

        // The update runs in the server; the kill comes as soon as its request is durable (or it ended).
        var update = _http.PostAsync($"/v1/components/{Component}/workers/long/update",
            new StringContent("""{"targetVersion":1,"mode":"auto"}""", Encoding.UTF8, "application/json"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!update.IsCompleted && !await HasEntryAsync("long", before + 1, "pending-update"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the update was never requested");
        }
        await _server.KillAsync();
        try { (await update).Dispose(); } catch (HttpRequestException) { /* killed under it */ }

        await _server.StartAsync();
        _http.Dispose();
        _http = _server.CreateHttpClient();
        var items = await InvokeAsync("long", "items");
        var worker = await WorkerAsync("long");
        var version = worker["componentVersion"]!.GetValue<long>();
        var last = worker["updates"]!.AsArray().Last()!;

        Assert.Equal(Items, JsonNode.Parse(items)!.AsArray().Count);
        if (version == 1)
        {
            Assert.Equal("succeeded", last["outcome"]!.GetValue<string>());
            Assert.Equal(Items.ToString(), await InvokeAsync("long", "count"));
        }
        else
        {
            Assert.Equal(0, version);
            Assert.Equal("failed", last["outcome"]!.GetValue<string>());
            Assert.Contains("interrupted", last["detail"]!.GetValue<string>());
            // Not half done: it can be updated now.
            using var again = await _http.PostAsync($"/v1/components/{Component}/workers/long/update",
                new StringContent("""{"targetVersion":1,"mode":"auto"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        Assert.Equal((Items + 1).ToString(), await InvokeAsync("long", "add", "\"last\""));
    }

    private async Task<long> DeployAsync(string assembly, string source)
    {
        var (status, body) = await Uploads.SendAsync(_http, Component, ComponentCompiler.Package(assembly, source));
        Assert.True(status is 200 or 201, body.ToString());
        return body.GetProperty("version").GetInt64();
    }

    /// <summary>Invokes a function; returns its result in WAVE.</summary>
    private async Task<string> InvokeAsync(string worker, string function, params string[] args)
    {
        var body = new JsonObject { ["function"] = function, ["args"] = new JsonArray([.. args.Select(a => (JsonNode)JsonValue.Create(a))]) };
        using var response = await _http.PostAsync($"/v1/components/{Component}/workers/{worker}/invoke",
            new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["result"]!["wave"]!.GetValue<string>();
    }

    private async Task<JsonNode> WorkerAsync(string worker) =>
        JsonNode.Parse(await _http.GetStringAsync($"/v1/components/{Component}/workers/{worker}"))!;

    private async Task<bool> HasEntryAsync(string worker, long from, string kind)
    {
        var page = JsonNode.Parse(await _http.GetStringAsync($"/v1/components/{Component}/workers/{worker}/oplog?from={from}&count=10"))!;
        return page["entries"]!.AsArray().Any(e => e!["kind"]!.GetValue<string>() == kind);
    }
}
