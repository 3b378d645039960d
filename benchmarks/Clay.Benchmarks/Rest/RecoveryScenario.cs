using System.Diagnostics;
using System.Text.Json;
using Clay.Benchmarks.Cli;

namespace Clay.Benchmarks.Rest;

/// <summary>How long the first invocation of an evicted worker takes as its oplog grows, with and without snapshots.</summary>
public sealed class RecoveryScenario : IScenario
{
    public string Name => "recovery";

    public string Description => "cold invocation time vs oplog length (1k, 10k, 100k entries), with and without snapshots (--max N)";

    public async Task<int> RunAsync(string[] args)
    {
        var max = Execution.ExecutorScenario.Arg(args, "--max", 100_000);
        var lengths = new[] { 1_000, 10_000, 100_000 }.Where(l => l <= max).ToArray();
        var figures = new Dictionary<string, object> { ["scenario"] = Name };
        Console.WriteLine("recovery: first get-cart-contents after eviction, by oplog length (cart with many update-item-quantity calls)");
        foreach (var snapshots in new[] { true, false })
        {
            await using var clay = await ClayHarness.StartAsync("--snapshot-every", snapshots ? "1000" : "0");
            clay.DeployCarts(1);
            await clay.InvokeAsync("demo:cart0", "w", "initialize-cart", "\"user1\"");
            await clay.InvokeAsync("demo:cart0", "w", "add-item", RestSeedScenario.Item("p1", "one"));
            var entries = 0;
            foreach (var length in lengths)
            {
                // Each update is two entries (invoked, completed); 16 callers keep the group commit busy.
                var updates = Math.Max(0, (length - entries) / 2);
                await RestSeedScenario.RunConcurrentlyAsync(updates, 16, n => clay.InvokeAsync("demo:cart0", "w", "update-item-quantity", "\"p1\"", $"{n % 100 + 1}"));
                entries = length;
                var times = new double[5];
                for (var i = 0; i < times.Length; i++)
                {
                    await clay.EvictAsync("demo:cart0", "w");
                    var started = Stopwatch.GetTimestamp();
                    await clay.InvokeAsync("demo:cart0", "w", "get-cart-contents");
                    times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
                Array.Sort(times);
                var key = $"{(snapshots ? "with" : "without")}_snapshots_{length}_ms";
                figures[key] = Math.Round(Percentiles.Of(times, 50), 2);
                Console.WriteLine($"  {length,7:N0} entries, {(snapshots ? "with" : "without")} snapshots: {Percentiles.Of(times, 50),8:F1} ms (median of 5)");
            }
        }
        Console.WriteLine("  (target: 100k entries recover in <= 50 ms with snapshots)");
        Console.WriteLine(JsonSerializer.Serialize(figures));
        return 0;
    }
}
