using System.Diagnostics;
using System.Text.Json;
using Clay.Benchmarks.Cli;
using Clay.LoadClient;

namespace Clay.Benchmarks.Rest;

/// <summary>
/// What an idle server costs: a fresh server with a component deployed and one resident worker,
/// left alone; its CPU time over a window read from /proc, and which of its threads woke how often.
/// It is left alone a minute before the window by default: until then the runtime is still compiling,
/// optimized, the methods its start-up and its timers have called often enough (a timer that fires
/// once a second reaches the count after half a minute), which is start-up, not idling.
/// </summary>
public sealed class IdleScenario : IScenario
{
    public string Name => "idle";

    public string Description => "CPU of an idle server with a component deployed and one resident worker: --seconds 60 --settle 60";

    public async Task<int> RunAsync(string[] args)
    {
        var seconds = Execution.ExecutorScenario.Arg(args, "--seconds", 60);
        var settle = Execution.ExecutorScenario.Arg(args, "--settle", 60);
        // --isolation none|process: the server's mode (default: the server's default); a component host counts as part of the server.
        var at = Array.IndexOf(args, "--isolation");
        var isolation = at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        await using var clay = await (isolation is null ? ClayHarness.StartAsync() : ClayHarness.StartAsync("--isolation", isolation));
        clay.DeployCarts(1);
        await clay.InvokeAsync("demo:cart0", "idle", "initialize-cart", "\"user1\"");
        await Task.Delay(TimeSpan.FromSeconds(settle));

        var pid = clay.ServerPid;
        var hosts = IsolationScenario.Children(pid);
        // Threads of a component host are named "host …".
        IEnumerable<(int Tid, string Name, TimeSpan Cpu, long Wakeups)> AllThreads() => ProcessCpu.Threads(pid)
            .Concat(hosts.SelectMany(h => ProcessCpu.Threads(h).Select(t => t with { Name = "host " + t.Name })));
        TimeSpan AllCpu() => hosts.Aggregate(ProcessCpu.Of(pid), (sum, h) => sum + ProcessCpu.Of(h));
        var threadsBefore = AllThreads().ToDictionary(t => t.Tid);
        var before = AllCpu();
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var cpu = AllCpu() - before;
        var elapsed = clock.Elapsed;
        var threads = AllThreads()
            .Select(t => (t.Name, Cpu: t.Cpu - (threadsBefore.TryGetValue(t.Tid, out var b) ? b.Cpu : TimeSpan.Zero),
                Wakeups: t.Wakeups - (threadsBefore.TryGetValue(t.Tid, out b) ? b.Wakeups : 0)))
            .GroupBy(t => t.Name)
            .Select(g => (Name: g.Key, Threads: g.Count(), Cpu: g.Aggregate(TimeSpan.Zero, (s, t) => s + t.Cpu), Wakeups: g.Sum(t => t.Wakeups)))
            .Where(g => g.Cpu > TimeSpan.Zero || g.Wakeups > 0)
            .OrderByDescending(g => g.Cpu).ThenByDescending(g => g.Wakeups)
            .ToList();
        var percent = 100 * cpu.TotalSeconds / elapsed.TotalSeconds;
        var wakeupsPerSecond = threads.Sum(t => t.Wakeups) / elapsed.TotalSeconds;
        Console.WriteLine($"idle: a server with one component and one resident worker, left alone {settle} s, then measured for {elapsed.TotalSeconds:F0} s "
            + $"(isolation: {isolation ?? "default"}; {hosts.Count} component host(s) counted with the server)");
        Console.WriteLine($"  CPU {cpu.TotalMilliseconds:F0} ms = {percent:F2} % of a core (target < 0.5 %); {wakeupsPerSecond:F1} thread wake-ups/s");
        Console.WriteLine($"  {"threads",-20} {"count",5} {"CPU ms",7} {"wake-ups/s",10}");
        foreach (var t in threads) Console.WriteLine($"  {t.Name,-20} {t.Threads,5} {t.Cpu.TotalMilliseconds,7:F0} {t.Wakeups / elapsed.TotalSeconds,10:F1}");
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["scenario"] = Name, ["isolation"] = isolation ?? "default", ["component_hosts"] = hosts.Count, ["seconds"] = Math.Round(elapsed.TotalSeconds, 1), ["cpu_ms"] = Math.Round(cpu.TotalMilliseconds),
            ["cpu_percent_of_core"] = Math.Round(percent, 3), ["wakeups_per_second"] = Math.Round(wakeupsPerSecond, 1),
            ["threads"] = threads.ToDictionary(t => t.Name, t => new { cpu_ms = Math.Round(t.Cpu.TotalMilliseconds), wakeups_per_second = Math.Round(t.Wakeups / elapsed.TotalSeconds, 1) }),
        }));
        return 0;
    }
}
