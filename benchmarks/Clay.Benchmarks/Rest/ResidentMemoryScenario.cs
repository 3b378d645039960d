using System.Diagnostics;
using System.Text.Json;
using Clay.Benchmarks.Cli;
using Clay.LoadClient;

namespace Clay.Benchmarks.Rest;

/// <summary>
/// What a resident idle cart costs in process memory: the server's RSS before and after making
/// N carts resident (initialize-cart + one add-item each, a budget large enough that none is
/// evicted), divided by N; then, when dotnet-gcdump is installed (scripts/install-diagnostics.sh),
/// what the managed heap holds per cart, by type; and the CPU the server and its component hosts use
/// while the carts stay resident and nobody calls.
/// </summary>
public sealed class ResidentMemoryScenario : IScenario
{
    public string Name => "resident-memory";

    public string Description => "RSS growth per resident idle cart over REST, and the idle CPU with them resident: --carts 100000 --clients 64 --warmup 2000 --top 25 --idle-seconds 10";

    public async Task<int> RunAsync(string[] args)
    {
        var carts = Execution.ExecutorScenario.Arg(args, "--carts", 100_000);
        var clients = Execution.ExecutorScenario.Arg(args, "--clients", 64);
        var warmup = Execution.ExecutorScenario.Arg(args, "--warmup", 2000);
        var top = Execution.ExecutorScenario.Arg(args, "--top", 25);
        await using var clay = await ClayHarness.StartAsync("--memory-budget", "16GiB", "--max-idle", "1h");
        clay.DeployCarts(2);
        string[] common = ["--target", "clay", "--url", clay.Url, "--token-file", clay.TokenFile, "--server-pids", $"{clay.ServerPid}", "--components", "1", "--calls", "2",
            "--random", "0", "--clients", $"{clients}"];
        // Warm-up carts of the second component: JIT, Orleans and the store reach their working size first.
        await LoadClientProcess.RunAsync([.. common, "--workers", "0", "--warmup", $"{warmup}"]);
        var before = await SettledAsync(clay);
        var (_, exit) = await LoadClientProcess.RunAsync([.. common, "--workers", $"{carts}", "--warmup", "0"]);
        var after = await SettledAsync(clay);
        var perCart = (after.Rss - before.Rss) / (double)carts;
        var heapPerCart = (after.Heap - before.Heap) / (double)carts;
        Console.WriteLine($"resident-memory: {carts} carts made resident (initialize-cart + add-item), after {warmup} warm-up carts");
        Console.WriteLine($"  resident workers {before.Resident:F0} -> {after.Resident:F0}, evictions {after.Evictions:F0}");
        Console.WriteLine($"  RSS {before.Rss / 1048576.0:F0} -> {after.Rss / 1048576.0:F0} MiB: {perCart:F0} bytes per resident cart (target <= 4096)");
        Console.WriteLine($"  GC heap after the last collection {before.Heap / 1048576.0:F0} -> {after.Heap / 1048576.0:F0} MiB: {heapPerCart:F0} bytes per cart");
        // What the resident carts cost while nobody calls: the server's and its hosts' CPU over a quiet spell.
        var quiet = await QuietWindow.MeasureAsync(clay.ServerPid, TimeSpan.FromSeconds(Execution.ExecutorScenario.Arg(args, "--idle-seconds", 10)));
        Console.WriteLine($"  idle with them resident: {quiet.Cpu.TotalMilliseconds:F0} ms of CPU in {quiet.Elapsed.TotalSeconds:F0} s (server and {quiet.Hosts} hosts) = "
            + $"{quiet.Share * 100:F2} % of a core; busiest threads:");
        foreach (var t in quiet.Threads.Take(5)) Console.WriteLine($"    {t.Cpu.TotalMilliseconds,6:F0} ms  {t.Name} ({t.Threads} threads)");

        var types = new List<(string Type, long Bytes, long Count)>();
        long rssAfterGc = 0;
        var gcdump = Path.Combine(ClayHarness.RepositoryRoot, "artifacts", "tools", "dotnet-gcdump");
        if (File.Exists(gcdump))
        {
            var file = Path.Combine(clay.Root, "server.gcdump");
            Run(gcdump, "collect", "-p", $"{clay.ServerPid}", "-o", file);
            rssAfterGc = ProcessCpu.StatusBytes(clay.ServerPid, "VmRSS");
            types = ParseReport(Run(gcdump, "report", file));
            Console.WriteLine($"  after the full collection dotnet-gcdump induces: RSS {rssAfterGc / 1048576.0:F0} MiB; live objects by type, per cart (of {carts + warmup} resident):");
            foreach (var (type, bytes, count) in types.Take(top))
            {
                Console.WriteLine($"    {bytes / (double)(carts + warmup),8:F0} B {count / (double)(carts + warmup),6:F2}×  {type}");
            }
        }
        else
        {
            Console.WriteLine("  (no heap breakdown: run scripts/install-diagnostics.sh for dotnet-gcdump)");
        }
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["scenario"] = Name, ["carts"] = carts, ["warmup"] = warmup,
            ["rss_before_bytes"] = before.Rss, ["rss_after_bytes"] = after.Rss, ["rss_bytes_per_cart"] = Math.Round(perCart),
            ["gc_heap_bytes_per_cart"] = Math.Round(heapPerCart), ["evictions"] = after.Evictions, ["rss_after_full_gc_bytes"] = rssAfterGc,
            ["idle_cpu_share_of_a_core"] = Math.Round(quiet.Share, 5),
            ["heap_by_type_bytes_per_cart"] = types.Take(top).ToDictionary(t => t.Type, t => Math.Round(t.Bytes / (double)(carts + warmup), 1)),
        }));
        return exit != 0 || after.Evictions > 0 ? 1 : 0;
    }

    /// <summary>RSS, the GC heap after its last collection, resident workers and evictions, once the server has been left alone a moment.</summary>
    private static async Task<(long Rss, double Heap, double Resident, double Evictions)> SettledAsync(ClayHarness clay)
    {
        await Task.Delay(TimeSpan.FromSeconds(5));
        var metrics = await clay.Http.GetStringAsync("/metrics");
        var heap = metrics.Split('\n').Where(l => l.StartsWith("dotnet_gc_last_collection_heap_size_bytes{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.IndexOf('}', StringComparison.Ordinal) + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
        return (ProcessCpu.StatusBytes(clay.ServerPid, "VmRSS"), heap, RestSeedScenario.Metric(metrics, "clay_workers_resident"),
            RestSeedScenario.Metric(metrics, "clay_worker_evictions_total"));
    }

    private static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    /// <summary>The lines "AVERAGE-SIZE COUNT TYPE" of a dotnet-gcdump report as total bytes per type, largest first.</summary>
    private static List<(string Type, long Bytes, long Count)> ParseReport(string report)
    {
        var types = new List<(string, long, long)>();
        foreach (var line in report.Split('\n'))
        {
            var parts = line.Trim().Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3 && long.TryParse(parts[0].Replace(",", ""), out var bytes) && long.TryParse(parts[1].Replace(",", ""), out var count))
            {
                types.Add((parts[2].Trim(), bytes * count, count));
            }
        }
        return types.OrderByDescending(t => t.Item2).ToList();
    }
}
