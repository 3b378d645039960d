using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

/// <summary>
/// Whether a worker is busy, as its door tells the grain that decides whether it may be collected:
/// busy while an invocation runs in memory, not while it waits durably or has nothing to do.
/// </summary>
[Collection(StaticComponentState.Name)]
public sealed class BusyTests
{
    [Fact]
    public async Task A_worker_is_busy_while_its_invocation_runs_and_not_before_after_or_out_of_memory()
    {
        var worker = ExecutorFixture.Worker(typeof(Tally), "busy");
        await using var fixture = new ExecutorFixture(typeof(Tally));
        Tally.Gates.Clear();
        while (Tally.Held.Reader.TryRead(out _)) { }
        var gate = new TaskCompletionSource();
        Tally.Gates.Enqueue(gate);
        await using var process = await WaitingProcess.StartAsync(fixture);
        var door = process.Executor.Activation(worker);
        Assert.False(await door.IsBusyAsync());

        var holding = process.Executor.EnqueueAsync(worker, "hold", [], "held");
        Assert.Same(gate, await Tally.Held.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        await holding;
        Assert.True(await door.IsBusyAsync());

        gate.SetResult();
        await WaitingProcess.UntilAsync(async () => !await door.IsBusyAsync(), "the held invocation to end");
        Assert.Equal(new Value.U64(2), (await process.Executor.InvokeAsync(worker, "add", [new Value.U64(2)])).Result);
        Assert.False(await door.IsBusyAsync());
    }

    [Fact]
    public async Task A_worker_waiting_durably_for_a_promise_is_not_busy()
    {
        var worker = ExecutorFixture.Worker(typeof(Waiter), "waiting");
        await using var fixture = new ExecutorFixture(typeof(Waiter));
        await using var process = await WaitingProcess.StartAsync(fixture);
        var id = ((Value.U64)(await process.Executor.InvokeAsync(worker, "promise", [])).Result!).V;

        _ = process.Executor.InvokeAsync(worker, "wait-for", [new Value.U64(id)], "wait");
        await WaitingProcess.UntilAsync(() => Task.FromResult(process.Executor.TryGetResident(worker)?.IsSuspended == true), "the worker to wait");

        Assert.False(await process.Executor.Activation(worker).IsBusyAsync());
    }
}
