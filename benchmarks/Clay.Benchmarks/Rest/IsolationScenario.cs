using System.Diagnostics;
using System.Text.Json;
using Clay.Benchmarks.Cli;

namespace Clay.Benchmarks.Rest;

/// <summary>
/// What isolating component code costs: the seed workload over REST (clay-load in its own process)
/// against a server with <c>--isolation none</c> and one with the default <c>--isolation process</c>,
/// in the same run, rounds alternating which goes first. Before the clock starts, one call per
/// component starts its host (timed: the cost of a host's start-up, against a first call in process);
/// the server's CPU counts its hosts'. Reports throughput, p50/p99 and CPU per invocation of each
/// mode, their ratios, host start-up time and memory per host.
/// </summary>
public sealed class IsolationScenario : IScenario
{
    public string Name => "isolation";

    public string Description => "seed workload with --isolation none vs process, same run: --components 10 --workers 1000 --clients 64 --random 10000 --calls 3 --warmup 2000 --rounds 1";

    public async Task<int> RunAsync(string[] args)
    {
        var components = Execution.ExecutorScenario.Arg(args, "--components", 10);
        var workers = Execution.ExecutorScenario.Arg(args, "--workers", 1000);
        var clients = Execution.ExecutorScenario.Arg(args, "--clients", 64);
        var random = Execution.ExecutorScenario.Arg(args, "--random", 10_000);
        var calls = Execution.ExecutorScenario.Arg(args, "--calls", 3);
        var warmup = Execution.ExecutorScenario.Arg(args, "--warmup", 2000);
        var rounds = Execution.ExecutorScenario.Arg(args, "--rounds", 1);
        var results = new Dictionary<string, List<Round>> { ["none"] = [], ["process"] = [] };
        var exit = 0;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var mode in round % 2 == 0 ? new[] { "none", "process" } : ["process", "none"])
            {
                Console.WriteLine($"round {round + 1}, --isolation {mode}:");
                var (result, code) = await RunModeAsync(mode, components, workers, clients, random, calls, warmup);
                results[mode].Add(result);
                exit = Math.Max(exit, code);
            }
        }

        static double Median(IEnumerable<double> values)
        {
            var sorted = values.OrderBy(v => v).ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }
        double Of(string mode, Func<Round, double> pick) => Median(results[mode].Select(pick));
        var summary = new Dictionary<string, object>();
        foreach (var mode in results.Keys)
        {
            summary[mode] = new Dictionary<string, object>
            {
                ["per_second"] = Math.Round(Of(mode, r => r.PerSecond)),
                ["p50_ms"] = Math.Round(Of(mode, r => r.P50), 3),
                ["p99_ms"] = Math.Round(Of(mode, r => r.P99), 3),
                ["server_cpu_us_per_call"] = Math.Round(Of(mode, r => r.CpuPerCall), 1),
                ["first_call_ms"] = Math.Round(Of(mode, r => r.FirstCallMs), 1),
                ["server_rss_bytes"] = Math.Round(Of(mode, r => r.ServerRss)),
                ["host_rss_bytes"] = Math.Round(Of(mode, r => r.HostRss)),
            };
        }
        var throughput = Of("process", r => r.PerSecond) / Of("none", r => r.PerSecond);
        var cpu = Of("process", r => r.CpuPerCall) / Of("none", r => r.CpuPerCall);
        var p50 = Of("process", r => r.P50) / Of("none", r => r.P50);
        var p99 = Of("process", r => r.P99) / Of("none", r => r.P99);
        Console.WriteLine($"isolation: process/none throughput ×{throughput:F2}, CPU per call ×{cpu:F2}, p50 ×{p50:F2}, p99 ×{p99:F2}; "
            + $"first call of a component {Of("none", r => r.FirstCallMs):F0} ms in process, {Of("process", r => r.FirstCallMs):F0} ms with its host's start-up; "
            + $"{Of("process", r => r.HostRss) / 1048576.0:F0} MiB per host");
        summary["scenario"] = Name;
        summary["ratio_throughput"] = Math.Round(throughput, 3);
        summary["ratio_cpu_per_call"] = Math.Round(cpu, 3);
        summary["ratio_p50"] = Math.Round(p50, 3);
        summary["ratio_p99"] = Math.Round(p99, 3);
        Console.WriteLine(JsonSerializer.Serialize(summary));
        return exit;
    }

    private sealed record Round(double PerSecond, double P50, double P99, double CpuPerCall, double FirstCallMs, double ServerRss, double HostRss);

    private static async Task<(Round Result, int Exit)> RunModeAsync(string mode, int components, int workers, int clients, int random, int calls, int warmup)
    {
        await using var clay = await ClayHarness.StartAsync("--isolation", mode);
        var deployed = components + (warmup > 0 ? 1 : 0);
        clay.DeployCarts(deployed);
        // The first call of each component: in a host, it starts the host; in process, it loads the component.
        var first = new List<double>();
        for (var i = 0; i < deployed; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await clay.InvokeAsync($"demo:cart{i}", "prime", "initialize-cart", "\"prime\"");
            first.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        var hosts = Children(clay.ServerPid);
        var pids = string.Join(',', hosts.Prepend(clay.ServerPid));
        var (figures, exit) = await LoadClientProcess.RunAsync(["--target", "clay", "--url", clay.Url, "--token-file", clay.TokenFile, "--server-pids", pids,
            "--components", $"{components}", "--workers", $"{workers}", "--clients", $"{clients}", "--random", $"{random}",
            "--calls", $"{calls}", "--warmup", $"{warmup}"]);
        var all = figures.GetProperty("all");
        var hostRss = hosts.Count == 0 ? 0 : hosts.Average(pid => Rss(pid));
        var result = new Round(all.GetProperty("per_second").GetDouble(), all.GetProperty("p50_ms").GetDouble(), all.GetProperty("p99_ms").GetDouble(),
            all.GetProperty("server_cpu_us_per_call").GetDouble(), first.OrderBy(f => f).ElementAt(first.Count / 2), Rss(clay.ServerPid), hostRss);
        Console.WriteLine($"  {hosts.Count} component hosts, {hostRss / 1048576.0:F0} MiB each; server {result.ServerRss / 1048576.0:F0} MiB; "
            + $"first call of a component (median) {result.FirstCallMs:F0} ms");
        return (result, exit);
    }

    private static double Rss(int pid) => StatusKib(pid, "VmRSS:") * 1024.0;

    /// <summary>A figure of <c>/proc/PID/status</c> given in kB (<c>VmRSS:</c>, <c>VmHWM:</c>), 0 when absent or gone.</summary>
    internal static long StatusKib(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal)) return long.Parse(line[field.Length..].Trim().Split(' ')[0]);
            }
        }
        catch (IOException)
        {
            // Gone meanwhile.
        }
        return 0;
    }

    /// <summary>The processes whose parent is <paramref name="pid"/>, from /proc.</summary>
    internal static List<int> Children(int pid)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var p)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                if (int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]) == pid) children.Add(p);
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }
        return children;
    }
}
