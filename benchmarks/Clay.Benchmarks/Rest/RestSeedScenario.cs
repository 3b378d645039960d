using System.Diagnostics;
using System.Text.Json;
using Clay.Benchmarks.Cli;

namespace Clay.Benchmarks.Rest;

/// <summary>
/// The seed workload through the REST API with concurrent clients: 10 components × 1,000 workers,
/// each initialize-cart + two add-item, then 10,000 get-cart-contents on random workers, each
/// checked to hold exactly its own items.
/// </summary>
public sealed class RestSeedScenario : IScenario
{
    public string Name => "rest-seed";

    public string Description => "seed workload over REST: --components 10 --workers 1000 --clients 64 --random 10000 [--calls 3|1] [--warmup 2000] [--memory-budget SIZE]";

    public async Task<int> RunAsync(string[] args)
    {
        var components = Execution.ExecutorScenario.Arg(args, "--components", 10);
        var workers = Execution.ExecutorScenario.Arg(args, "--workers", 1000);
        var clients = Execution.ExecutorScenario.Arg(args, "--clients", 64);
        var random = Execution.ExecutorScenario.Arg(args, "--random", 10_000);
        // 3: initialize-cart and two add-item per worker (the seed); 1: a single add-item, which creates the worker.
        var calls = Execution.ExecutorScenario.Arg(args, "--calls", 3) == 1 ? 1 : 3;
        var budgetAt = Array.IndexOf(args, "--memory-budget");
        // Workers of an extra component, driven the same way before the clock starts: a fresh server
        // first runs tier-0 code and warms Orleans up, which is not what a long-running one does.
        var warmup = Execution.ExecutorScenario.Arg(args, "--warmup", 2000);
        await using var clay = await ClayHarness.StartAsync(budgetAt >= 0 ? ["--memory-budget", args[budgetAt + 1]] : []);
        clay.DeployCarts(components + (warmup > 0 ? 1 : 0));
        await RunConcurrentlyAsync(warmup, clients, async n =>
        {
            await clay.InvokeAsync($"demo:cart{components}", $"warm{n}", "initialize-cart", "\"user1\"");
            await clay.InvokeAsync($"demo:cart{components}", $"warm{n}", "add-item", Item("p1", "Warm-up product"));
            if (calls == 3) await clay.InvokeAsync($"demo:cart{components}", $"warm{n}", "get-cart-contents");
        });

        var ids = Enumerable.Range(0, workers).SelectMany(j => Enumerable.Range(0, components).Select(i => (i, j))).ToArray();
        var spawn = new double[ids.Length * calls];
        var spawnClock = Stopwatch.StartNew();
        await RunConcurrentlyAsync(ids.Length, clients, async n =>
        {
            var (i, j) = ids[n];
            if (calls == 1)
            {
                spawn[n] = await TimeAsync(() => clay.InvokeAsync($"demo:cart{i}", $"{j}", "add-item", Item("p1", $"Example product {j}/{i}")));
                return;
            }
            spawn[3 * n] = await TimeAsync(() => clay.InvokeAsync($"demo:cart{i}", $"{j}", "initialize-cart", "\"user1\""));
            spawn[3 * n + 1] = await TimeAsync(() => clay.InvokeAsync($"demo:cart{i}", $"{j}", "add-item", Item("p1", $"Example product {j}/{i}")));
            spawn[3 * n + 2] = await TimeAsync(() => clay.InvokeAsync($"demo:cart{i}", $"{j}", "add-item", Item("p2", $"Second product {j}/{i}")));
        });
        spawnClock.Stop();

        var rng = new Random(42);
        var picks = Enumerable.Range(0, random).Select(_ => (rng.Next(components), rng.Next(workers))).ToArray();
        var reads = new double[random];
        var errors = 0;
        var readClock = Stopwatch.StartNew();
        await RunConcurrentlyAsync(random, clients, async n =>
        {
            var (i, j) = picks[n];
            var started = Stopwatch.GetTimestamp();
            var contents = await clay.InvokeAsync($"demo:cart{i}", $"{j}", "get-cart-contents");
            reads[n] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (contents is null || !contents.Contains($"Example product {j}/{i}\"", StringComparison.Ordinal)
                || (calls == 3 && !contents.Contains($"Second product {j}/{i}\"", StringComparison.Ordinal))) Interlocked.Increment(ref errors);
        });
        readClock.Stop();
        Array.Sort(spawn);
        Array.Sort(reads);
        var spawnRate = spawn.Length / spawnClock.Elapsed.TotalSeconds;
        var readRate = random / readClock.Elapsed.TotalSeconds;
        var metrics = await clay.Http.GetStringAsync("/metrics");
        var evictions = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("clay_worker_evictions_total", StringComparison.Ordinal)) ?? "clay_worker_evictions_total 0";
        Console.WriteLine($"rest-seed: {components} × {workers} workers, {clients} concurrent clients over REST, after {warmup} warm-up workers");
        Console.WriteLine($"  spawn: {spawn.Length} invocations in {spawnClock.Elapsed.TotalSeconds:F1} s = {spawnRate:F0}/s, p50 {Percentiles.Of(spawn, 50):F2} ms p99 {Percentiles.Of(spawn, 99):F2} ms (target >= 5,000/s)");
        Console.WriteLine($"  random get-cart-contents: {random} in {readClock.Elapsed.TotalSeconds:F1} s = {readRate:F0}/s, p50 {Percentiles.Of(reads, 50):F2} ms p99 {Percentiles.Of(reads, 99):F2} ms, {errors} wrong answers");
        Console.WriteLine($"  server peak RSS {clay.PeakRss / 1048576.0:F0} MiB, data {clay.DataBytes / 1048576.0:F1} MiB ({clay.DataBytes / (double)(ids.Length + warmup):F0} bytes per worker); {evictions.Split(' ')[^1].Trim()} evictions");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            scenario = Name, components, workers, clients, random, warmup_workers = warmup,
            spawn_per_second = Math.Round(spawnRate), spawn_p50_ms = Math.Round(Percentiles.Of(spawn, 50), 3), spawn_p99_ms = Math.Round(Percentiles.Of(spawn, 99), 3),
            reads_per_second = Math.Round(readRate), reads_p50_ms = Math.Round(Percentiles.Of(reads, 50), 3), reads_p99_ms = Math.Round(Percentiles.Of(reads, 99), 3),
            wrong_answers = errors, peak_rss_bytes = clay.PeakRss, data_bytes = clay.DataBytes,
        }));
        return errors == 0 ? 0 : 1;
    }

    internal static string Item(string id, string name) => $"{{ product-id: \"{id}\", name: \"{name}\", price: 1000.0, quantity: 2 }}";

    internal static async Task<double> TimeAsync(Func<Task> action)
    {
        var started = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    internal static Task RunConcurrentlyAsync(int count, int clients, Func<int, Task> work)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < count) await work(n);
        }));
    }
}
