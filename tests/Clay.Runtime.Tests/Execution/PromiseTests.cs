using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

[Collection(StaticComponentState.Name)]
public sealed class PromiseTests
{
    private static readonly WorkerId Worker = ExecutorFixture.Worker(typeof(Waiter), "waiting");

    [Fact]
    public async Task A_worker_waits_suspended_for_its_promise_which_is_completed_once()
    {
        await using var fixture = new ExecutorFixture(typeof(Waiter));
        await using var process = await WaitingProcess.StartAsync(fixture);
        var id = await CreatePromiseAsync(process.Executor);

        var waiting = process.Executor.InvokeAsync(Worker, "wait-for", [new Value.U64((ulong)id)], "wait");
        await WaitingProcess.UntilAsync(() => Task.FromResult(process.Executor.TryGetResident(Worker)?.IsSuspended == true), "the worker to wait");
        Assert.Equal(new WorkerMark(WorkerStatus.Suspended), await process.Store.GetMarkAsync(Worker));
        await process.Executor.Activation(Worker).CompletePromiseAsync(id, "{\"approved\":true}");

        Assert.Equal(new Value.String("{\"approved\":true}"), (await waiting.WaitAsync(TimeSpan.FromSeconds(30))).Result);
        var again = await Assert.ThrowsAsync<ClayException>(() => process.Executor.Activation(Worker).CompletePromiseAsync(id, "other"));
        Assert.Equal(ErrorCodes.PromiseAlreadyCompleted, again.Code);
        Assert.Null(await process.Store.GetMarkAsync(Worker));
    }

    [Fact]
    public async Task A_promise_completed_before_it_is_awaited_is_there_when_the_worker_asks()
    {
        await using var fixture = new ExecutorFixture(typeof(Waiter));
        await using var process = await WaitingProcess.StartAsync(fixture);
        var id = await CreatePromiseAsync(process.Executor);

        await process.Executor.Activation(Worker).CompletePromiseAsync(id, "early");

        Assert.Equal(new Value.String("early"), (await process.Executor.InvokeAsync(Worker, "wait-for", [new Value.U64((ulong)id)])).Result);
    }

    [Fact]
    public async Task Ids_that_are_no_promise_of_the_worker_are_refused_and_nothing_is_stored()
    {
        await using var fixture = new ExecutorFixture(typeof(Waiter));
        await using var process = await WaitingProcess.StartAsync(fixture);
        var id = await CreatePromiseAsync(process.Executor);
        var activation = process.Executor.Activation(Worker);

        foreach (var wrong in new[] { 1L, id + 1, 999, 0, -3 })
        {
            var error = await Assert.ThrowsAsync<ClayException>(() => activation.CompletePromiseAsync(wrong, "x"));
            Assert.Equal(ErrorCodes.PromiseNotFound, error.Code);
            Assert.Contains($"has no promise {wrong}", error.Message);
            Assert.Null(await ((IPromiseStore)process.Store).GetAsync(Worker, wrong));
        }
        var unknown = await Assert.ThrowsAsync<WorkerNotFoundException>(() =>
            process.Executor.Activation(ExecutorFixture.Worker(typeof(Waiter), "nobody")).CompletePromiseAsync(id, "x"));
        Assert.Equal(ErrorCodes.WorkerNotFound, unknown.Code);
    }

    [Fact]
    public async Task A_completion_reaches_a_worker_that_waited_across_a_crash_and_is_delivered_once()
    {
        await using var fixture = new ExecutorFixture(typeof(Waiter));
        var first = await WaitingProcess.StartAsync(fixture);
        var id = await CreatePromiseAsync(first.Executor);
        await first.Executor.EnqueueAsync(Worker, "wait-for", [new Value.U64((ulong)id)], "wait");
        await WaitingProcess.UntilAsync(() => Task.FromResult(first.Executor.TryGetResident(Worker)?.IsSuspended == true), "the worker to wait");
        // The queued invocation was stored before it started, so nothing is recorded before the wait:
        // the mark alone says that the worker waits (not that it runs, which start-up would take up).
        Assert.Equal(new WorkerMark(WorkerStatus.Suspended), await first.Store.GetMarkAsync(Worker));
        await first.CrashAsync();

        // After the restart the worker is not in memory: the completion wakes it through the store's mark.
        var second = await WaitingProcess.StartAsync(fixture);
        Assert.Null(second.Executor.TryGetResident(Worker));
        await second.Executor.Activation(Worker).CompletePromiseAsync(id, "after the crash");
        await WaitingProcess.UntilAsync(async () => await second.Store.GetMarkAsync(Worker) is null, "the worker to finish waiting");
        Assert.Equal(new Value.String("after the crash"), (await second.Executor.InvokeAsync(Worker, "wait-for", [new Value.U64((ulong)id)], "wait")).Result);
        await second.CrashAsync();

        await using var third = await WaitingProcess.StartAsync(fixture);
        var steps = (await third.Executor.InvokeAsync(Worker, "steps", [])).Result;
        Assert.Equal(DurableSleepTests.List($"promise {id}", "got after the crash"), steps);
    }

    private static async Task<long> CreatePromiseAsync(Executor executor) =>
        (long)((Value.U64)(await executor.InvokeAsync(Worker, "promise", [])).Result!).V;
}
