using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

[Collection(StaticComponentState.Name)]
public sealed class DeleteTests
{
    [Fact]
    public async Task A_worker_deleted_mid_sleep_never_wakes_and_nothing_of_it_remains()
    {
        await using var fixture = new ExecutorFixture(typeof(Waiter));
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        var worker = ExecutorFixture.Worker(typeof(Waiter), "deleted-sleeper");
        Waiter.StepRuns.Clear();
        var process = await WaitingProcess.StartAsync(fixture);
        await process.Executor.EnqueueAsync(worker, "loop", [new Value.U32(3), new Value.U64(10)], "loop");
        Assert.Equal(TimeSpan.FromSeconds(10), await fixture.Time.NextTimerAsync());
        await process.Executor.Activation(worker).EnqueueAsync(
            InvocationRequest.Of("steps", [], "scheduled") with { ScheduleAt = fixture.Time.GetUtcNow().AddMinutes(1) });

        await process.Executor.DeleteAsync(worker);

        await AssertGoneAsync(process, worker);
        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        // What the wake-up clock does when the time comes: it finds nothing.
        await Assert.ThrowsAsync<WorkerNotFoundException>(() => process.Executor.Activation(worker).WakeAsync());
        await process.DisposeAsync();

        await using var restarted = await WaitingProcess.StartAsync(fixture);
        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        await AssertGoneAsync(restarted, worker);
        Assert.Equal([KeyValuePair.Create(1u, 1)], Waiter.StepRuns);
    }

    [Fact]
    public async Task A_worker_deleted_mid_invocation_drops_it_tells_its_caller_and_writes_nothing_after()
    {
        await using var fixture = new ExecutorFixture(typeof(Tally));
        var worker = ExecutorFixture.Worker(typeof(Tally), "deleted-while-running");
        Tally.Gates.Clear();
        while (Tally.Held.Reader.TryRead(out _)) { }
        await using var process = await WaitingProcess.StartAsync(fixture);
        await process.Executor.InvokeAsync(worker, "add", [new Value.U64(1)]);
        var gate = new TaskCompletionSource();
        Tally.Gates.Enqueue(gate);
        var held = process.Executor.InvokeAsync(worker, "hold", [], "held");
        Assert.Same(gate, await Tally.Held.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        await process.Executor.EnqueueAsync(worker, "add", [new Value.U64(2)], "queued");

        // Bounded: a deletion that waited for the held invocation to finish would never return.
        await process.Executor.DeleteAsync(worker).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ErrorCodes.InvocationAbandoned, (await Assert.ThrowsAnyAsync<ClayException>(() => held)).Code);
        gate.SetResult();
        await AssertGoneAsync(process, worker);
        await Assert.ThrowsAsync<WorkerNotFoundException>(() => process.Executor.DeleteAsync(worker));
        // A call after the deletion starts a new worker from nothing.
        Assert.Equal(new Value.U64(7), (await process.Executor.InvokeAsync(worker, "add", [new Value.U64(7)])).Result);
    }

    private static async Task AssertGoneAsync(WaitingProcess process, WorkerId worker)
    {
        Assert.Equal(0, await process.Store.GetLastIndexAsync(worker));
        Assert.Null(await process.Store.GetMarkAsync(worker));
        Assert.DoesNotContain(worker, await process.Store.ListWorkersAsync(worker.Component).ToListAsync());
        Assert.DoesNotContain(await process.Store.ListMarkedAsync().ToListAsync(), m => m.Worker == worker);
        Assert.Null(process.Executor.TryGetResident(worker));
        await Assert.ThrowsAsync<WorkerNotFoundException>(() => process.Executor.GetInfoAsync(worker));
    }
}
