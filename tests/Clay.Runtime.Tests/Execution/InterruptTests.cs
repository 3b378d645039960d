using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

[Collection(StaticComponentState.Name)]
public sealed class InterruptTests
{
    private static readonly WorkerId Worker = ExecutorFixture.Worker(typeof(Waiter), "interrupted");
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_interrupted_worker_stays_interrupted_across_a_restart_and_resume_continues_its_invocation_where_it_stopped()
    {
        await using var fixture = new ExecutorFixture(typeof(Waiter));
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        var first = await WaitingProcess.StartAsync(fixture);
        await first.Executor.EnqueueAsync(Worker, "nap", [new Value.U64(600)], "nap");
        Assert.Equal(TimeSpan.FromMinutes(10), await fixture.Time.NextTimerAsync());

        var interrupted = await first.Executor.Activation(Worker).InterruptAsync(recoverImmediately: false);
        Assert.Equal(WorkerStatus.Interrupted, interrupted.Status);
        var refused = await Assert.ThrowsAsync<ClayException>(() => first.Executor.InvokeAsync(Worker, "steps", []));
        Assert.Equal(ErrorCodes.WorkerInterrupted, refused.Code);
        await first.DisposeAsync();

        await using var restarted = await WaitingProcess.StartAsync(fixture);
        Assert.Equal(WorkerStatus.Interrupted, (await restarted.Executor.GetInfoAsync(Worker)).Status);
        // The sleep's time passes while interrupted: nothing runs.
        fixture.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(WorkerStatus.Interrupted, (await restarted.Executor.GetInfoAsync(Worker)).Status);

        await restarted.Executor.Activation(Worker).ResumeAsync();
        await WaitingProcess.UntilAsync(async () => await restarted.Store.GetMarkAsync(Worker) is null, "the nap to finish");
        Assert.Equal(new Value.String($"woke at {Start.AddMinutes(15):O}"), (await restarted.Executor.InvokeAsync(Worker, "nap", [new Value.U64(600)], "nap")).Result);
        Assert.Equal(DurableSleepTests.List("nap 600", "woke 600"), (await restarted.Executor.InvokeAsync(Worker, "steps", [])).Result);
    }

    [Fact]
    public async Task A_worker_interrupted_between_invocations_and_resumed_is_left_idle_with_nothing_to_wake_at_the_next_start()
    {
        await using var fixture = new ExecutorFixture(typeof(Waiter));
        var first = await WaitingProcess.StartAsync(fixture);
        await first.Executor.InvokeAsync(Worker, "steps", []);

        await first.Executor.Activation(Worker).InterruptAsync(recoverImmediately: false);
        Assert.Equal(WorkerStatus.Interrupted, (await first.Store.GetMarkAsync(Worker))?.Status);
        await first.Executor.Activation(Worker).ResumeAsync();

        // Nothing was running: no work is stored for a start to find.
        Assert.Null(await first.Store.GetMarkAsync(Worker));
        await first.DisposeAsync();
        await using var restarted = await WaitingProcess.StartAsync(fixture);
        Assert.Empty(await restarted.Store.ListMarkedAsync().ToListAsync());
        Assert.Equal(WorkerStatus.Idle, (await restarted.Executor.GetInfoAsync(Worker)).Status);
    }

    [Fact]
    public async Task A_simulated_crash_rebuilds_the_worker_mid_invocation_and_every_step_runs_once()
    {
        await using var fixture = new ExecutorFixture(typeof(Waiter));
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        Waiter.StepRuns.Clear();
        await using var process = await WaitingProcess.StartAsync(fixture);
        await process.Executor.EnqueueAsync(Worker, "loop", [new Value.U32(3), new Value.U64(10)], "loop");
        Assert.Equal(TimeSpan.FromSeconds(10), await fixture.Time.NextTimerAsync());
        var before = process.Executor.TryGetResident(Worker);

        var recovered = await process.Executor.Activation(Worker).InterruptAsync(recoverImmediately: true);

        Assert.NotSame(before, process.Executor.TryGetResident(Worker));
        Assert.NotEqual(WorkerStatus.Interrupted, recovered.Status);
        await WaitingProcess.UntilAsync(async () => (await process.Executor.GetInfoAsync(Worker)).Status == WorkerStatus.Suspended,
            "the rebuilt worker to be back in its sleep");
        for (var step = 1; step <= 3; step++)
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(10));
            if (step < 3) Assert.Equal(TimeSpan.FromSeconds(10), await fixture.Time.NextTimerAsync());
        }
        await WaitingProcess.UntilAsync(async () => await process.Store.GetMarkAsync(Worker) is null, "the loop to finish");
        Assert.Equal(Enumerable.Range(1, 3).Select(i => KeyValuePair.Create((uint)i, 1)), Waiter.StepRuns.OrderBy(p => p.Key));
        Assert.Empty((await process.Executor.ReadOplogAsync(Worker, query: "interrupted")).Entries);
    }
}
