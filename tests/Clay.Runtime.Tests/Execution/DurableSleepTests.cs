using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

[Collection(StaticComponentState.Name)]
public sealed class DurableSleepTests
{
    private static readonly WorkerId Sleeper = ExecutorFixture.Worker(typeof(Waiter), "sleeper");
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_long_sleep_suspends_the_worker_which_leaves_memory_and_wakes_at_its_time()
    {
        await using var fixture = new ExecutorFixture(typeof(Waiter));
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        await using var process = await WaitingProcess.StartAsync(fixture);

        var call = process.Executor.InvokeAsync(Sleeper, "nap", [new Value.U64(3600)], "nap");
        Assert.Equal(TimeSpan.FromHours(1), await fixture.Time.NextTimerAsync());

        // The wake-up time is stored before the worker waits, and the waiting worker may leave memory.
        Assert.Equal(new WorkerMark(WorkerStatus.Suspended, WakeAt: Start.AddHours(1)), await process.Store.GetMarkAsync(Sleeper));
        Assert.Equal(WorkerStatus.Suspended, (await process.Executor.GetInfoAsync(Sleeper)).Status);
        Assert.True(await process.Executor.EvictAsync(Sleeper));
        Assert.Null(process.Executor.TryGetResident(Sleeper));
        var left = await Assert.ThrowsAsync<WorkerSuspendedException>(() => call);
        Assert.Equal("invocation-suspended", left.Code);
        Assert.Equal(WorkerStatus.Suspended, (await process.Executor.GetInfoAsync(Sleeper)).Status);

        fixture.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(1, process.WakeUps.Waiting);
        Assert.Null(process.Executor.TryGetResident(Sleeper));
        fixture.Time.Advance(TimeSpan.FromMinutes(1));

        // Woken by the clock, not by a call: the same key then finds the answer.
        await WaitingProcess.UntilAsync(async () => await process.Store.GetMarkAsync(Sleeper) is null, "the sleeper to finish");
        var woke = await process.Executor.InvokeAsync(Sleeper, "nap", [new Value.U64(3600)], "nap");
        Assert.Equal(new Value.String($"woke at {Start.AddHours(1):O}"), woke.Result);
        Assert.Equal(List("nap 3600", "woke 3600"), (await process.Executor.InvokeAsync(Sleeper, "steps", [])).Result);
    }

    [Fact]
    public async Task A_worker_killed_in_a_long_sleep_wakes_at_the_original_time_not_at_restart_plus_the_duration()
    {
        await using var fixture = new ExecutorFixture(typeof(Waiter));
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        var first = await WaitingProcess.StartAsync(fixture);
        await first.Executor.EnqueueAsync(Sleeper, "nap", [new Value.U64(3600)], "nap");
        Assert.Equal(TimeSpan.FromHours(1), await fixture.Time.NextTimerAsync());
        fixture.Time.Advance(TimeSpan.FromMinutes(20));
        await first.CrashAsync();
        fixture.Time.Advance(TimeSpan.FromMinutes(10));

        await using var restarted = await WaitingProcess.StartAsync(fixture);
        // The clock is set from the stored mark alone: nothing was read or replayed to find it.
        Assert.Equal(1, restarted.WakeUps.Waiting);
        Assert.Null(restarted.Executor.TryGetResident(Sleeper));
        fixture.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.Null(restarted.Executor.TryGetResident(Sleeper));
        fixture.Time.Advance(TimeSpan.FromMinutes(1));

        await WaitingProcess.UntilAsync(async () => await restarted.Store.GetMarkAsync(Sleeper) is null, "the sleeper to finish");
        var woke = await restarted.Executor.InvokeAsync(Sleeper, "nap", [new Value.U64(3600)], "nap");
        Assert.Equal(new Value.String($"woke at {Start.AddHours(1):O}"), woke.Result);
        var sleeps = await restarted.Executor.ReadOplogAsync(Sleeper, query: "\"clock::sleep\"");
        Assert.Single(sleeps.Entries);
    }

    [Fact]
    public async Task With_a_warm_up_a_sleeper_out_of_memory_is_rebuilt_before_its_time_and_goes_on_only_at_it()
    {
        await using var fixture = new ExecutorFixture(typeof(Waiter));
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        var warmUp = TimeSpan.FromSeconds(2);
        var first = await WaitingProcess.StartAsync(fixture, warmUp);
        await first.Executor.EnqueueAsync(Sleeper, "nap", [new Value.U64(3600)], "nap");
        // The clock is armed for the warm-up, not for the wake-up itself.
        Assert.Equal(TimeSpan.FromHours(1) - warmUp, await fixture.Time.NextTimerAsync());
        await first.CrashAsync();

        await using var restarted = await WaitingProcess.StartAsync(fixture, warmUp);
        Assert.Equal(2, restarted.WakeUps.Waiting);
        fixture.Time.Advance(TimeSpan.FromHours(1) - warmUp - TimeSpan.FromSeconds(1));
        Assert.Null(restarted.Executor.TryGetResident(Sleeper));
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        // Rebuilt and waiting again, in memory: its sleep is not over.
        await WaitingProcess.UntilAsync(() => Task.FromResult(restarted.Executor.TryGetResident(Sleeper)?.IsSuspended == true), "the sleeper back in memory");
        Assert.Equal(new WorkerMark(WorkerStatus.Suspended, WakeAt: Start.AddHours(1)), await restarted.Store.GetMarkAsync(Sleeper));
        fixture.Time.Advance(warmUp - TimeSpan.FromMilliseconds(1));
        Assert.True(restarted.Executor.TryGetResident(Sleeper)!.IsSuspended);

        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitingProcess.UntilAsync(async () => await restarted.Store.GetMarkAsync(Sleeper) is null, "the sleeper to finish");
        var woke = await restarted.Executor.InvokeAsync(Sleeper, "nap", [new Value.U64(3600)], "nap");
        Assert.Equal(new Value.String($"woke at {Start.AddHours(1):O}"), woke.Result);
    }

    [Fact]
    public async Task A_loop_of_sleeps_and_effects_killed_midway_finishes_by_itself_running_every_step_once()
    {
        await using var fixture = new ExecutorFixture(typeof(Waiter));
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        Waiter.StepRuns.Clear();
        var first = await WaitingProcess.StartAsync(fixture);
        await first.Executor.EnqueueAsync(Sleeper, "loop", [new Value.U32(4), new Value.U64(10)], "loop");
        Assert.Equal(TimeSpan.FromSeconds(10), await fixture.Time.NextTimerAsync());
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(10), await fixture.Time.NextTimerAsync());
        await first.CrashAsync();

        // No call after the restart: the wake-up clock alone carries the loop to its end.
        await using var restarted = await WaitingProcess.StartAsync(fixture);
        Assert.Equal(TimeSpan.FromSeconds(10), await fixture.Time.NextTimerAsync());
        for (var step = 2; step <= 4; step++)
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(10));
            if (step < 4) Assert.Equal(TimeSpan.FromSeconds(10), await fixture.Time.NextTimerAsync());
        }
        await WaitingProcess.UntilAsync(async () => await restarted.Store.GetMarkAsync(Sleeper) is null, "the loop to finish");

        Assert.Equal(Enumerable.Range(1, 4).Select(i => KeyValuePair.Create((uint)i, 1)), Waiter.StepRuns.OrderBy(p => p.Key));
        Assert.Equal(List("step 1", "step 2", "step 3", "step 4"), (await restarted.Executor.InvokeAsync(Sleeper, "steps", [])).Result);
    }

    [Fact]
    public async Task A_short_sleep_waits_in_memory_and_keeps_no_wake_up()
    {
        await using var fixture = new ExecutorFixture(typeof(Waiter));
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        await using var process = await WaitingProcess.StartAsync(fixture);

        var call = process.Executor.InvokeAsync(Sleeper, "nap", [new Value.U64(0)], "nap");
        var result = await call.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new Value.String($"woke at {Start:O}"), result.Result);
        Assert.Equal(0, process.WakeUps.Waiting);
        Assert.Null(await process.Store.GetMarkAsync(Sleeper));
    }

    internal static Value List(params string[] items) => new Value.List(items.Select(i => (Value)new Value.String(i)).ToArray());
}
