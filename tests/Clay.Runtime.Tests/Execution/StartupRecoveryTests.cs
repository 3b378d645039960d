using Clay.Runtime.Storage;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

[Collection(StaticComponentState.Name)]
public sealed class StartupRecoveryTests
{
    private static readonly WorkerId Worker = ExecutorFixture.Worker(typeof(Tally), "busy");
    private static readonly WorkerId Idle = ExecutorFixture.Worker(typeof(Tally), "idle");

    [Fact]
    public async Task Work_queued_when_the_process_died_runs_after_a_restart_without_any_call()
    {
        await using var fixture = new ExecutorFixture(typeof(Tally));
        Tally.Gates.Clear();
        while (Tally.Held.Reader.TryRead(out _)) { }
        var gate = new TaskCompletionSource();
        Tally.Gates.Enqueue(gate);
        var first = await WaitingProcess.StartAsync(fixture);
        await first.Executor.InvokeAsync(Idle, "add", [new Value.U64(1)]);
        _ = first.Executor.InvokeAsync(Worker, "hold", []);
        Assert.Same(gate, await Tally.Held.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        // Queued durably behind the running invocation; then the process dies.
        await first.Executor.EnqueueAsync(Worker, "add", [new Value.U64(5)], "five");
        await first.Executor.EnqueueAsync(Worker, "add", [new Value.U64(7)], "seven");
        Assert.Equal(new WorkerMark(Clay.Runtime.Execution.WorkerStatus.Running, HasPendingWork: true), await first.Store.GetMarkAsync(Worker));
        Assert.Null(await first.Store.GetMarkAsync(Idle));
        await first.CrashAsync(() => gate.TrySetResult());

        await using var restarted = await WaitingProcess.StartAsync(fixture);
        // Only the worker with work is woken; the idle one stays on disk.
        await WaitingProcess.UntilAsync(async () => await restarted.Store.GetMarkAsync(Worker) is null, "the queued invocations to run");
        Assert.Null(restarted.Executor.TryGetResident(Idle));
        Assert.NotNull(restarted.Executor.TryGetResident(Worker));
        var history = await restarted.Executor.InvokeAsync(Worker, "history", []);
        Assert.Equal(new Value.List(new Value[] { new Value.U64(5), new Value.U64(7) }), history.Result);
        // Its key still answers with what it returned when it ran, without running it again.
        Assert.Equal(new Value.U64(5), (await restarted.Executor.InvokeAsync(Worker, "add", [new Value.U64(5)], "five")).Result);
    }
}
