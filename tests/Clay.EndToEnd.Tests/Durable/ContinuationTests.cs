using Xunit.Abstractions;

namespace Clay.EndToEnd.Tests.Durable;

/// <summary>
/// Execution that continues by itself, across kill -9 of a real server: a loop of effects and
/// sleeps finishes after a restart with no client call, each effect run once; a long sleep ends at
/// its original time, not at the restart plus its duration.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(TimingCollection.Name)]
public sealed class ContinuationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_loop_killed_in_its_sleep_finishes_after_the_restart_without_any_call_and_runs_each_step_once()
    {
        using var service = new CountingHttpServer();
        await using var clay = await SleeperServer.StartAsync();
        var loop = clay.TryInvokeAsync("looper", "loop", $"\"{service.Url}\"", "4", "2");
        await service.WaitForAsync("step/2", 1, Bound);
        // Suspended after step 2: its effect's outcome is durable (the code went on past it) and so is the wake-up.
        await SleeperServer.WaitUntilAsync(async () => await clay.StatusAsync("looper") == "Suspended",
            Bound, () => clay.Output);

        await clay.KillAndRestartAsync();
        await AssertCutOffAsync(loop);

        // Nobody calls the worker: the steps after the restart come from the server alone.
        await service.WaitForAsync("step/4", 1, Bound);
        await SleeperServer.WaitUntilAsync(async () => (await clay.StatusesAsync())["looper"] == "Idle", Bound, () => clay.Output);
        Assert.Equal("[\"step 1\", \"step 2\", \"step 3\", \"step 4\"]", await clay.InvokeAsync("looper", "steps"));
        Assert.Equal(
            new Dictionary<string, int> { ["step/1"] = 1, ["step/2"] = 1, ["step/3"] = 1, ["step/4"] = 1 },
            service.AllHits);
    }

    [Fact]
    public async Task A_worker_killed_in_a_long_sleep_wakes_at_its_original_time()
    {
        await using var clay = await SleeperServer.StartAsync();
        var nap = clay.TryInvokeAsync("napper", "nap", "20000");
        await SleeperServer.WaitUntilAsync(async () => await clay.StatusAsync("napper") == "Suspended",
            Bound, () => clay.Output);

        await clay.KillAndRestartAsync();
        await AssertCutOffAsync(nap);

        await SleeperServer.WaitUntilAsync(async () => (await clay.StatusesAsync())["napper"] == "Idle", Bound, () => clay.Output);
        var times = (await clay.InvokeAsync("napper", "last-nap")).Trim('[', ']').Split(", ").Select(long.Parse).ToArray();
        var (due, woke) = (DateTimeOffset.FromUnixTimeMilliseconds(times[0]), DateTimeOffset.FromUnixTimeMilliseconds(times[1]));
        output.WriteLine($"due {due:O}, woke {woke:O} ({(woke - due).TotalMilliseconds:F0} ms late), server ready again at {clay.ReadyAt:O}");

        Assert.True(woke >= due, $"woke {(due - woke).TotalMilliseconds:F0} ms early");
        if (clay.ReadyAt < due)
        {
            // Two seconds of slack for a loaded machine (a component host starts, the wake-up is
            // polled); a sleep that started over at the restart would be late by all the time
            // from the nap's start to the restart, several seconds here.
            Assert.True(woke - due <= TimeSpan.FromSeconds(2), $"woke {(woke - due).TotalMilliseconds:F0} ms after its time\n{clay.Output}");
        }
        else
        {
            // The restart outlasted the sleep (a very slow machine): it is due at once, not 20 s after the restart.
            Assert.True(woke - clay.ReadyAt <= TimeSpan.FromSeconds(5), $"woke {(woke - clay.ReadyAt).TotalSeconds:F1} s after the restart\n{clay.Output}");
        }
    }

    /// <summary>The call was in flight when its server was killed: it ends without an answer (the connection breaks, or the client gives up on it).</summary>
    private static async Task AssertCutOffAsync(Task call)
    {
        var error = await Record.ExceptionAsync(() => call);
        Assert.True(error is HttpRequestException or OperationCanceledException, $"the call to the killed server ended with {error?.GetType().Name ?? "an answer"}");
    }
}
