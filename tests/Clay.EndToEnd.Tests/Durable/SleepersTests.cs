using Xunit.Abstractions;

namespace Clay.EndToEnd.Tests.Durable;

/// <summary>
/// Many workers asleep at once under a memory budget that holds a few dozen: most are evicted
/// while they sleep, and every one wakes by itself, at its time, with no call. The benchmark
/// <c>wake-up</c> runs the same with 10,000 and more sleepers and measures the lateness.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(TimingCollection.Name)]
public sealed class SleepersTests(ITestOutputHelper output)
{
    private const int Sleepers = 500;

    [Fact]
    public async Task Sleepers_are_evicted_while_they_sleep_and_all_wake_by_themselves_on_time()
    {
        // 1 MiB holds about 60 workers (each is charged 16 KiB beyond its state).
        await using var clay = await SleeperServer.StartAsync("--memory-budget", "1MiB");
        var random = new Random(Sleepers);
        // Every sleeper is due between 25 and 29 s after the first is sent, whenever it is sent: sending
        // 500 takes about 10 s on a busy two-core machine.
        var start = DateTimeOffset.UtcNow;
        var dueAt = Enumerable.Range(0, Sleepers).Select(_ => start + TimeSpan.FromMilliseconds(25_000 + random.Next(4_000))).ToArray();
        await Parallel.ForEachAsync(Enumerable.Range(0, Sleepers), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
            await clay.EnqueueAsync($"s{i}", "nap", $"{(long)(dueAt[i] - DateTimeOffset.UtcNow).TotalMilliseconds}"));
        output.WriteLine($"{Sleepers} naps sent in {(DateTimeOffset.UtcNow - start).TotalSeconds:F1} s");

        // All asleep, most of them out of memory. The budget is enforced every few hundred milliseconds, so the
        // last to fall asleep are evicted a moment after they do: wait for both.
        var evicted = 0.0;
        await SleeperServer.WaitUntilAsync(async () => (await clay.StatusesAsync()).Values.Count(s => s == "Suspended") == Sleepers
            && await clay.MetricAsync("clay_workers_resident") < Sleepers / 4
            && (evicted = await clay.MetricAsync("clay_worker_evictions_total", absent: 0)) >= Sleepers * 3 / 4,
            TimeSpan.FromSeconds(60), () => $"the sleepers were not all suspended and evicted ({evicted} evictions)", TimeSpan.FromMilliseconds(500));
        Assert.True(DateTimeOffset.UtcNow < dueAt.Min(), "the first sleeper was due before all were seen asleep and evicted: the machine is too slow for this test");
        // Out of memory, a sleeper is a wake-up on the server's clock.
        var waiting = await clay.MetricAsync("clay_timers_waiting");
        Assert.True(waiting >= Sleepers * 3 / 4, $"only {waiting} wake-ups waiting for {Sleepers} sleepers");

        // Nobody calls them: each wakes from the server's clock.
        await SleeperServer.WaitUntilAsync(async () => (await clay.StatusesAsync()).Values.All(s => s == "Idle"), TimeSpan.FromSeconds(120),
            () => "not every sleeper woke", TimeSpan.FromMilliseconds(500));
        await SleeperServer.WaitUntilAsync(async () => await clay.MetricAsync("clay_timers_waiting") == 0, TimeSpan.FromSeconds(30),
            () => "wake-ups still counted as waiting after every sleeper woke");
        var lateness = new double[Sleepers];
        await Parallel.ForEachAsync(Enumerable.Range(0, Sleepers), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var times = (await clay.InvokeAsync($"s{i}", "last-nap")).Trim('[', ']').Split(", ").Select(long.Parse).ToArray();
            lateness[i] = times[1] - times[0];
        });
        Array.Sort(lateness);
        output.WriteLine($"lateness p50 {lateness[Sleepers / 2]} ms, p99 {lateness[Sleepers * 99 / 100]} ms, max {lateness[^1]} ms; {evicted} evictions while asleep");
        Assert.True(lateness[0] >= 0, $"a sleeper woke {-lateness[0]} ms early");
        // On time: woken by the clock, not found later. The tight figures are the benchmark's.
        Assert.True(lateness[^1] < 3_000, $"a sleeper woke {lateness[^1]} ms late");
    }
}
