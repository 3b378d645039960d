using System.Text.Json;
using Clay.Benchmarks.Cli;

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

        var window = await QuietWindow.MeasureAsync(clay.ServerPid, TimeSpan.FromSeconds(seconds));
        var (elapsed, cpu, threads) = (window.Elapsed, window.Cpu, window.Threads);
        var percent = 100 * window.Share;
        var wakeupsPerSecond = threads.Sum(t => t.Wakeups) / elapsed.TotalSeconds;
        Console.WriteLine($"idle: a server with one component and one resident worker, left alone {settle} s, then measured for {elapsed.TotalSeconds:F0} s "
            + $"(isolation: {isolation ?? "default"}; {window.Hosts} component host(s) counted with the server)");
        Console.WriteLine($"  CPU {cpu.TotalMilliseconds:F0} ms = {percent:F2} % of a core (target < 0.5 %); {wakeupsPerSecond:F1} thread wake-ups/s");
        Console.WriteLine($"  {"threads",-20} {"count",5} {"CPU ms",7} {"wake-ups/s",10}");
        foreach (var t in threads) Console.WriteLine($"  {t.Name,-20} {t.Threads,5} {t.Cpu.TotalMilliseconds,7:F0} {t.Wakeups / elapsed.TotalSeconds,10:F1}");
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["scenario"] = Name, ["isolation"] = isolation ?? "default", ["component_hosts"] = window.Hosts, ["seconds"] = Math.Round(elapsed.TotalSeconds, 1), ["cpu_ms"] = Math.Round(cpu.TotalMilliseconds),
            ["cpu_percent_of_core"] = Math.Round(percent, 3), ["wakeups_per_second"] = Math.Round(wakeupsPerSecond, 1),
            ["threads"] = threads.ToDictionary(t => t.Name, t => new { cpu_ms = Math.Round(t.Cpu.TotalMilliseconds), wakeups_per_second = Math.Round(t.Wakeups / elapsed.TotalSeconds, 1) }),
        }));
        return 0;
    }
}
