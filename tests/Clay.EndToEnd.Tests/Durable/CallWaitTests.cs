namespace Clay.EndToEnd.Tests.Durable;

/// <summary>
/// A worker waiting for another worker's long answer on a real server: it is suspended and can leave
/// memory; across a kill -9 and a restart, with no client call, the callee finishes its nap once and
/// its answer brings the caller back to finish too.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(TimingCollection.Name)]
public sealed class CallWaitTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_caller_waiting_on_a_long_call_leaves_memory_and_finishes_after_a_restart_when_the_callee_answers()
    {
        await using var clay = await SleeperServer.StartAsync();
        var asked = System.Diagnostics.Stopwatch.StartNew();
        await clay.EnqueueAsync("asker", "ask-nap", "\"napper\"", "15000");
        await SleeperServer.WaitUntilAsync(async () => await clay.StatusAsync("napper") == "Suspended" && await clay.StatusAsync("asker") == "Suspended",
            Bound, () => $"the caller and the callee did not both wait\n{clay.Output}");
        // Waiting costs the caller no memory: it can be dropped like a sleeper.
        Assert.True(await clay.EvictAsync("asker"), "the waiting caller could not be evicted");

        await clay.KillAndRestartAsync();

        // Nobody calls either worker: the callee wakes at its time, answers, and its answer wakes the caller.
        await SleeperServer.WaitUntilAsync(async () => await clay.StatusesAsync() is var all && all.GetValueOrDefault("asker") == "Idle"
            && all.GetValueOrDefault("napper") == "Idle", Bound, () => clay.Output, TimeSpan.FromMilliseconds(250));
        // Woken by the answer, not by its own poll, which comes a minute after it began to wait.
        Assert.True(asked.Elapsed < TimeSpan.FromSeconds(50), $"the caller finished {asked.Elapsed.TotalSeconds:F0} s after it asked: its poll, not the answer, woke it");
        Assert.Equal("[\"napper napped\"]", await clay.InvokeAsync("asker", "steps"));
        Assert.Equal("[\"woke\"]", await clay.InvokeAsync("napper", "steps"));
    }
}
