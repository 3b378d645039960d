using System.Text.Json;
using Clay.Benchmarks.Cli;

namespace Clay.Benchmarks.Rest;

/// <summary>
/// The seed workload through the REST API against a freshly started server, driven by clay-load
/// from a process of its own: 10 components × 1,000 workers, each initialize-cart + two add-item,
/// then 10,000 get-cart-contents on random workers, each checked to hold exactly its own items.
/// Reports throughput, latency, the server's CPU and allocations per invocation and the client's CPU.
/// </summary>
public sealed class RestSeedScenario : IScenario
{
    public string Name => "rest-seed";

    public string Description => "seed workload over REST from a separate load process: --components 10 --workers 1000 --clients 64 --random 10000 [--calls 3|2|1] [--warmup 2000] [--memory-budget SIZE]";

    public async Task<int> RunAsync(string[] args)
    {
        var components = Execution.ExecutorScenario.Arg(args, "--components", 10);
        var workers = Execution.ExecutorScenario.Arg(args, "--workers", 1000);
        var clients = Execution.ExecutorScenario.Arg(args, "--clients", 64);
        var random = Execution.ExecutorScenario.Arg(args, "--random", 10_000);
        var calls = Execution.ExecutorScenario.Arg(args, "--calls", 3);
        var budgetAt = Array.IndexOf(args, "--memory-budget");
        // Workers of an extra component, driven the same way before the clock starts: a fresh server
        // first runs tier-0 code and warms Orleans up, which is not what a long-running one does.
        var warmup = Execution.ExecutorScenario.Arg(args, "--warmup", 2000);
        await using var clay = await ClayHarness.StartAsync(budgetAt >= 0 ? ["--memory-budget", args[budgetAt + 1]] : []);
        clay.DeployCarts(components + (warmup > 0 ? 1 : 0));
        var (figures, exit) = await LoadClientProcess.RunAsync(["--target", "clay", "--url", clay.Url, "--token-file", clay.TokenFile, "--server-pids", $"{clay.ServerPid}",
            "--components", $"{components}", "--workers", $"{workers}", "--clients", $"{clients}", "--random", $"{random}",
            "--calls", $"{calls}", "--warmup", $"{warmup}"]);
        var metrics = await clay.Http.GetStringAsync("/metrics");
        var evictions = Metric(metrics, "clay_worker_evictions_total");
        // Slow commits hold every call waiting on them: the tail's first suspect (warm-up included).
        var commits = Metric(metrics, "clay_commit_duration_seconds_count");
        var over50 = commits - Bucket(metrics, "clay_commit_duration_seconds", "0.05");
        var over100 = commits - Bucket(metrics, "clay_commit_duration_seconds", "0.1");
        var peakRss = clay.PeakRss;
        var hostsPeakRss = clay.HostsPeakRss;
        var dataBytes = clay.DataBytes;
        var totalWorkers = (long)components * workers + warmup;
        Console.WriteLine($"rest-seed: server peak RSS {peakRss / 1048576.0:F0} MiB, its component hosts' {hostsPeakRss / 1048576.0:F0} MiB "
            + $"(together at most {(peakRss + hostsPeakRss) / 1048576.0:F0} MiB), data {dataBytes / 1048576.0:F1} MiB ({dataBytes / (double)totalWorkers:F0} bytes per worker); {evictions:F0} evictions");
        Console.WriteLine($"rest-seed: {commits:F0} commits, {over50:F0} of them over 50 ms and {over100:F0} over 100 ms");
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["scenario"] = Name, ["load"] = figures, ["peak_rss_bytes"] = peakRss, ["hosts_peak_rss_bytes"] = hostsPeakRss, ["data_bytes"] = dataBytes,
            ["evictions"] = evictions, ["commits"] = commits, ["commits_over_50ms"] = over50, ["commits_over_100ms"] = over100,
        }));
        return exit;
    }

    /// <summary>How many samples of the histogram <paramref name="name"/> are at most <paramref name="le"/> (its bucket's count), 0 when absent.</summary>
    internal static double Bucket(string metrics, string name, string le) =>
        Sample(metrics, name + "_bucket", line => line.Contains($"le=\"{le}\"}}", StringComparison.Ordinal));

    /// <summary>The value of a Prometheus sample without labels (or the first one with), 0 when absent.</summary>
    internal static double Metric(string metrics, string name) => Sample(metrics, name, _ => true);

    /// <summary>The value of the first sample of <paramref name="name"/> whose line <paramref name="matches"/>, 0 when absent.</summary>
    private static double Sample(string metrics, string name, Func<string, bool> matches)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not (' ' or '{') || !matches(line)) continue;
            var value = line[(Math.Max(line.IndexOf('}', StringComparison.Ordinal), name.Length - 1) + 1)..].Trim().Split(' ')[0];
            return double.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        }
        return 0;
    }

    internal static string Item(string id, string name) => $"{{ product-id: \"{id}\", name: \"{name}\", price: 1000.0, quantity: 2 }}";

    internal static async Task<double> TimeAsync(Func<Task> action)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await action();
        return System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
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
