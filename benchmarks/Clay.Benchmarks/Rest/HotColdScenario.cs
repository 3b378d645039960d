using System.Text.Json;
using Clay.Benchmarks.Cli;
using Clay.Benchmarks.Storage;

namespace Clay.Benchmarks.Rest;

/// <summary>
/// One invocation on a resident worker (hot) versus one on a worker just dropped from memory
/// (cold), for a 3-entry cart and a 1,000-item cart, next to a raw fdatasync measured in the same run.
/// </summary>
public sealed class HotColdScenario : IScenario
{
    public string Name => "hot-cold";

    public string Description => "REST invocation latency on resident vs evicted workers, small and 1,000-item carts (--runs N --small-only)";

    public async Task<int> RunAsync(string[] args)
    {
        var runs = Execution.ExecutorScenario.Arg(args, "--runs", 200);
        var smallOnly = args.Contains("--small-only");
        // --isolation none|process: which mode the server runs component code in (default: the server's default).
        var isolation = ArgOrNull(args, "--isolation");
        await using var clay = await (isolation is null ? ClayHarness.StartAsync() : ClayHarness.StartAsync("--isolation", isolation));
        clay.DeployCarts(1);
        var raw = StoreScenario.RawFdatasync(Path.Combine(clay.DataDirectory, "raw.bin"), new byte[120], samples: 300);
        await clay.InvokeAsync("demo:cart0", "small", "initialize-cart", "\"user1\"");
        await clay.InvokeAsync("demo:cart0", "small", "add-item", RestSeedScenario.Item("p1", "one"));
        await clay.InvokeAsync("demo:cart0", "big", "initialize-cart", "\"user1\"");
        for (var i = 0; i < (smallOnly ? 0 : 1000); i++) await clay.InvokeAsync("demo:cart0", "big", "add-item", RestSeedScenario.Item($"p{i}", $"item {i}"));

        var results = new Dictionary<string, (double P50, double P99)>();
        var rawAfter = raw;
        // The floors under an invocation: an HTTP round trip alone, and one that reaches the worker's grain.
        results["http_health"] = await MeasureAsync(runs, async () => (await clay.Http.GetAsync("/health")).Dispose());
        results["http_get_worker"] = await MeasureAsync(runs, async () => (await clay.Http.GetAsync("/v1/components/demo:cart0/workers/small")).Dispose());
        double smallHotAllocated = 0;
        foreach (var worker in smallOnly ? ["small"] : new[] { "small", "big" })
        {
            var allocatedBefore = await AllocatedAsync(clay);
            results[$"{worker}_hot"] = await MeasureAsync(runs, () => clay.InvokeAsync("demo:cart0", worker, "get-cart-contents"));
            // What the server allocated per hot invocation (one /metrics read included).
            if (worker == "small") smallHotAllocated = (await AllocatedAsync(clay) - allocatedBefore) / runs;
            // The same call and the health check from the leanest client (blocking calls on one thread):
            // as little of the client's own time as the loopback allows.
            if (worker == "small") MeasureLean(clay, runs, results);
            // The disk's sync latency drifts on a shared machine: take it again right after the hot
            // phase and compare the hot invocation with the mean of both.
            if (worker == "small") rawAfter = StoreScenario.RawFdatasync(Path.Combine(clay.DataDirectory, "raw.bin"), new byte[120], samples: 300);
            var cold = new double[Math.Max(20, runs / 4)];
            for (var i = 0; i < cold.Length; i++)
            {
                await clay.EvictAsync("demo:cart0", worker);
                cold[i] = await RestSeedScenario.TimeAsync(() => clay.InvokeAsync("demo:cart0", worker, "get-cart-contents"));
            }
            results[$"{worker}_cold"] = Percentiles.MedianAnd99(cold);
        }
        Console.WriteLine($"hot-cold: get-cart-contents over REST; cold = right after the worker was evicted (isolation: {isolation ?? "default"})");
        Console.WriteLine($"  raw fdatasync p50 {raw.P50:F3} ms before, {rawAfter.P50:F3} ms right after the small cart's hot phase");
        foreach (var (key, value) in results) Console.WriteLine($"  {key,-15} p50 {value.P50,7:F2} ms  p99 {value.P99,7:F2} ms");
        Console.WriteLine($"  small hot: the server allocated {smallHotAllocated / 1024:F1} KB per invocation");
        var fdatasync = (raw.P50 + rawAfter.P50) / 2;
        var margin = results["small_hot"].P50 - fdatasync;
        var leanMargin = results["small_hot_lean"].P50 - fdatasync;
        Console.WriteLine($"  small hot p50 - raw fdatasync p50 (mean of both) = {margin:F3} ms from HttpClient, {leanMargin:F3} ms from the blocking client "
            + $"(target <= {MarginTargetMs} ms: {(margin <= MarginTargetMs ? "met" : "missed")}, {(leanMargin <= MarginTargetMs ? "met" : "missed")}); "
            + $"small cold/hot p50 = {results["small_cold"].P50 / results["small_hot"].P50:F1}× (target <= 10×)");
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["scenario"] = Name,
            ["isolation"] = isolation ?? "default",
            ["raw_fdatasync_p50_ms"] = Math.Round(raw.P50, 3),
            ["raw_fdatasync_after_p50_ms"] = Math.Round(rawAfter.P50, 3),
            ["small_hot_p50_minus_fdatasync_p50_ms"] = Math.Round(margin, 3),
            ["small_hot_lean_p50_minus_fdatasync_p50_ms"] = Math.Round(leanMargin, 3),
            ["http_health_lean_p50_ms"] = Math.Round(results["http_health_lean"].P50, 3),
            ["small_hot_lean_p50_ms"] = Math.Round(results["small_hot_lean"].P50, 3),
            ["new_worker_lean_p50_ms"] = Math.Round(results["new_worker_lean"].P50, 3),
            ["new_worker_lean_p99_ms"] = Math.Round(results["new_worker_lean"].P99, 3),
            ["margin_target_ms"] = MarginTargetMs,
            ["http_health_p50_ms"] = Math.Round(results["http_health"].P50, 3),
            ["http_get_worker_p50_ms"] = Math.Round(results["http_get_worker"].P50, 3),
            ["small_hot_p50_ms"] = Math.Round(results["small_hot"].P50, 3), ["small_hot_p99_ms"] = Math.Round(results["small_hot"].P99, 3),
            ["small_cold_p50_ms"] = Math.Round(results["small_cold"].P50, 3), ["small_cold_p99_ms"] = Math.Round(results["small_cold"].P99, 3),
            ["small_hot_server_allocated_bytes_per_call"] = Math.Round(smallHotAllocated),
        }.Concat(results.Where(r => r.Key.StartsWith("big", StringComparison.Ordinal)).SelectMany(r => new KeyValuePair<string, object>[]
        {
            new($"{r.Key}_p50_ms", Math.Round(r.Value.P50, 3)), new($"{r.Key}_p99_ms", Math.Round(r.Value.P99, 3)),
        })).ToDictionary()));
        return 0;
    }

    /// <summary>How far above a raw fdatasync a hot invocation over REST may be, at the median.</summary>
    private const double MarginTargetMs = 0.3;

    private static string? ArgOrNull(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    /// <summary>
    /// The server's total allocated bytes, from /metrics: its runtime's (dotnet.gc.heap.total_allocated)
    /// and its component hosts' (reported every 200 ms: waited for first).
    /// </summary>
    private static async Task<double> AllocatedAsync(ClayHarness clay)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var metrics = await clay.Http.GetStringAsync("/metrics");
        return RestSeedScenario.Metric(metrics, "dotnet_gc_heap_total_allocated_bytes_total") + RestSeedScenario.Metric(metrics, "clay_component_hosts_allocated_bytes_total");
    }

    /// <summary>
    /// <c>GET /health</c> and the small cart's hot call from a <see cref="BlockingHttpClient"/>, measured
    /// alternately in blocks of 50 so that the machine's drift touches both alike; then first calls of new workers.
    /// </summary>
    private static void MeasureLean(ClayHarness clay, int runs, Dictionary<string, (double P50, double P99)> results)
    {
        var url = new Uri(clay.Url);
        var token = File.ReadAllText(clay.TokenFile).Trim();
        using var client = new BlockingHttpClient(url);
        var health = BlockingHttpClient.Request(url, "GET", "/health", token);
        var invoke = BlockingHttpClient.Request(url, "POST", "/v1/components/demo:cart0/workers/small/invoke", token,
            """{"function":"get-cart-contents","args":[]}""");
        var healthSamples = new double[runs];
        var invokeSamples = new double[runs];
        for (var block = 0; block < runs; block += 50)
        {
            for (var i = block; i < Math.Min(runs, block + 50); i++) healthSamples[i] = Time(() => client.Exchange(health));
            for (var i = block; i < Math.Min(runs, block + 50); i++) invokeSamples[i] = Time(() => client.Exchange(invoke));
        }
        results["http_health_lean"] = Percentiles.MedianAnd99(healthSamples);
        results["small_hot_lean"] = Percentiles.MedianAnd99(invokeSamples);
        // A worker's first call: it is created with it (Orleans activates its grain, its host makes it, the
        // create entry is committed with the invocation's).
        var created = new double[Math.Max(20, runs / 4)];
        for (var i = 0; i < created.Length; i++)
        {
            var request = BlockingHttpClient.Request(url, "POST", $"/v1/components/demo:cart0/workers/new-{i}/invoke", token,
                """{"function":"initialize-cart","args":["\"user1\""]}""");
            created[i] = Time(() => client.Exchange(request));
        }
        results["new_worker_lean"] = Percentiles.MedianAnd99(created);

        static double Time(Action action)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            action();
            return System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
    }

    private static async Task<(double P50, double P99)> MeasureAsync(int runs, Func<Task> action)
    {
        var samples = new double[runs];
        for (var i = 0; i < runs; i++) samples[i] = await RestSeedScenario.TimeAsync(action);
        return Percentiles.MedianAnd99(samples);
    }
}
