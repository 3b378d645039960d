using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.History;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

[Collection(StaticComponentState.Name)]
public sealed class RevertTests
{
    private static readonly WorkerId Counter = ExecutorFixture.Worker(typeof(Counter), "reverted");

    [Fact]
    public async Task Reverting_to_an_index_skips_the_later_history_which_stays_in_the_oplog_and_the_revert_survives_a_crash()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter));
        var (store, executor) = await fixture.StartAsync();
        for (var i = 1; i <= 3; i++) await executor.InvokeAsync(Counter, "increment", [], $"inc-{i}");
        var ends = await EndsAsync(executor, Counter);
        var last = (await executor.GetInfoAsync(Counter)).OplogLength;

        var reverted = await executor.RevertAsync(Counter, RevertTarget.ToOplogIndex(ends[0]));

        Assert.Equal(WorkerStatus.Idle, reverted.Status);
        Assert.Equal(new Value.U64(1), (await executor.InvokeAsync(Counter, "get", [])).Result);
        var jump = Assert.Single((await executor.ReadOplogAsync(Counter, query: "jump")).Entries);
        Assert.Equal(last + 1, jump.Index);
        Assert.Equal([("from", $"{ends[0] + 1}"), ("to", $"{last}")], jump.Fields.Select(f => (f.Name, f.Value)));
        // The skipped invocations are still there to be inspected.
        Assert.Equal(3, (await executor.ReadOplogAsync(Counter, query: "exported-function-completed", count: 10)).Entries.Count(e => e.Index <= last));
        Assert.Null(await store.GetMarkAsync(Counter));

        await fixture.CrashAsync(store, executor);
        (store, executor) = await fixture.StartAsync();
        Assert.Equal(new Value.U64(1), (await executor.InvokeAsync(Counter, "get", [])).Result);
        // The first invocation's key is kept; the reverted ones' keys are forgotten: they run again.
        Assert.Equal(new Value.U64(1), (await executor.InvokeAsync(Counter, "increment", [], "inc-1")).Result);
        Assert.Equal(new Value.U64(2), (await executor.InvokeAsync(Counter, "increment", [], "inc-3")).Result);
    }

    [Fact]
    public async Task Reverting_invocations_never_runs_their_effects_again()
    {
        await using var fixture = new ExecutorFixture(typeof(Effects));
        var worker = ExecutorFixture.Worker(typeof(Effects), "effects-reverted");
        var (store, executor) = await fixture.StartAsync();
        var names = new[] { "keep", "undo-1", "undo-2" }.Select(n => $"{n}-{Guid.NewGuid():N}").ToArray();
        foreach (var name in names) await executor.InvokeAsync(worker, "run-effect", [new Value.String(name)]);

        await executor.RevertAsync(worker, RevertTarget.Invocations(2));
        await fixture.CrashAsync(store, executor);
        (_, executor) = await fixture.StartAsync();

        Assert.Equal(DurableSleepTests.List($"{names[0]}#1"), (await executor.InvokeAsync(worker, "seen", [])).Result);
        Assert.Equal([1, 1, 1], names.Select(EffectProbe.CallsOf));
    }

    [Fact]
    public async Task Reverting_into_a_region_an_earlier_revert_skipped_brings_back_the_history_as_it_stood_then()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter));
        fixture.SnapshotEvery = 4;
        var (store, executor) = await fixture.StartAsync();
        for (var i = 1; i <= 3; i++) await executor.InvokeAsync(Counter, "increment", [], $"inc-{i}");
        var ends = await EndsAsync(executor, Counter);
        await executor.RevertAsync(Counter, RevertTarget.Invocations(2));
        Assert.Equal(new Value.U64(2), (await executor.InvokeAsync(Counter, "increment", [], "again")).Result);

        // The third invocation's end was skipped by the first revert; as it stood when written, the count was 3.
        await executor.RevertAsync(Counter, RevertTarget.ToOplogIndex(ends[2]));
        Assert.Equal(new Value.U64(3), (await executor.InvokeAsync(Counter, "get", [])).Result);

        await fixture.CrashAsync(store, executor);
        (_, executor) = await fixture.StartAsync();
        Assert.Equal(new Value.U64(4), (await executor.InvokeAsync(Counter, "increment", [])).Result);
    }

    [Fact]
    public async Task Recovery_after_a_revert_that_later_snapshots_hold_reads_back_only_as_far_as_the_retained_keys_not_the_whole_oplog()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter)) { SnapshotEvery = 10, IdempotencyKeys = 50 };
        var (store, executor) = await fixture.StartAsync();
        for (var i = 1; i <= 400; i++) await executor.InvokeAsync(Counter, "increment", [], $"inc-{i}");
        var ends = await EndsAsync(executor, Counter);
        await executor.RevertAsync(Counter, RevertTarget.ToOplogIndex(ends[^3]));
        for (var i = 1; i <= 20; i++) await executor.InvokeAsync(Counter, "increment", [], $"after-{i}");
        var length = (await executor.GetInfoAsync(Counter)).OplogLength;
        await fixture.CrashAsync(store, executor);

        var counting = new CountingOplogStore(await fixture.OpenStoreAsync());
        executor = fixture.NewExecutor(counting);
        Assert.Equal(new Value.U64(418), (await executor.InvokeAsync(Counter, "get", [])).Result);
        // The revert is within the retained keys' reach but behind the latest snapshot: recovery reads back as
        // far as the keys need, not the whole oplog; the reverted invocations' keys are forgotten, the others kept.
        Assert.True(length > 800, $"{length} entries");
        Assert.InRange(counting.EntriesRead, 1, 600); // one page back from the end (512) and the construction
        Assert.Equal(new Value.U64(398), (await executor.InvokeAsync(Counter, "increment", [], "inc-398")).Result);
        Assert.Equal(new Value.U64(419), (await executor.InvokeAsync(Counter, "increment", [], "inc-399")).Result);
        Assert.Equal(new Value.U64(398 + 5), (await executor.InvokeAsync(Counter, "increment", [], "after-5")).Result);
    }

    [Fact]
    public async Task Recovery_reading_back_through_a_revert_for_the_retained_keys_forgets_the_keys_it_skipped()
    {
        // Snapshots after the revert, and keys retained from before it: recovery starts at the latest snapshot
        // and reads on back through the revert for the keys, leaving out those of the invocations it undid.
        await using var fixture = new ExecutorFixture(typeof(Counter)) { SnapshotEvery = 4 };
        var (store, executor) = await fixture.StartAsync();
        for (var i = 1; i <= 3; i++) await executor.InvokeAsync(Counter, "increment", [], $"inc-{i}");
        var ends = await EndsAsync(executor, Counter);
        await executor.RevertAsync(Counter, RevertTarget.ToOplogIndex(ends[0]));
        for (var i = 1; i <= 10; i++) await executor.InvokeAsync(Counter, "increment", [], $"after-{i}");
        var jump = Assert.Single((await executor.ReadOplogAsync(Counter, query: "jump")).Entries).Index;
        Assert.Contains((await executor.ReadOplogAsync(Counter, query: "snapshot", count: 100)).Entries, e => e.Index > jump);
        await fixture.CrashAsync(store, executor);

        (_, executor) = await fixture.StartAsync();
        Assert.Equal(new Value.U64(11), (await executor.InvokeAsync(Counter, "get", [])).Result);
        Assert.Equal(new Value.U64(1), (await executor.InvokeAsync(Counter, "increment", [], "inc-1")).Result);
        Assert.Equal(new Value.U64(5), (await executor.InvokeAsync(Counter, "increment", [], "after-4")).Result);
        Assert.Equal(new Value.U64(12), (await executor.InvokeAsync(Counter, "increment", [], "inc-2")).Result);
    }

    [Fact]
    public async Task A_revert_that_cannot_be_met_is_refused_with_its_code_and_writes_nothing()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter));
        var (store, executor) = await fixture.StartAsync();
        for (var i = 1; i <= 2; i++) await executor.InvokeAsync(Counter, "increment", []);
        var last = await store.GetLastIndexAsync(Counter);
        var invoked = (await executor.ReadOplogAsync(Counter, query: "exported-function-invoked")).Entries[1].Index;

        async Task<ClayException> Refused(RevertTarget target) => await Assert.ThrowsAnyAsync<ClayException>(() => executor.RevertAsync(Counter, target));

        Assert.Equal(ErrorCodes.OplogIndexOutOfRange, (await Refused(RevertTarget.ToOplogIndex(0))).Code);
        var atEnd = await Refused(RevertTarget.ToOplogIndex(last));
        Assert.Equal(ErrorCodes.OplogIndexOutOfRange, atEnd.Code);
        Assert.Contains($"entries 1 to {last}", atEnd.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.InvocationCountOutOfRange, (await Refused(RevertTarget.Invocations(3))).Code);
        Assert.Equal(ErrorCodes.InvocationCountOutOfRange, (await Refused(RevertTarget.Invocations(0))).Code);
        var inside = await Refused(RevertTarget.ToOplogIndex(invoked));
        Assert.Equal(ErrorCodes.RevertInsideInvocation, inside.Code);
        Assert.Contains($"revert to {invoked - 1} to undo it", inside.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.WorkerNotFound, (await Assert.ThrowsAnyAsync<ClayException>(
            () => executor.RevertAsync(ExecutorFixture.Worker(typeof(Counter), "nobody"), RevertTarget.Invocations(1)))).Code);

        Assert.Equal(last, await store.GetLastIndexAsync(Counter));
        Assert.Equal(new Value.U64(2), (await executor.InvokeAsync(Counter, "get", [])).Result);
    }

    [Fact]
    public async Task Reverting_a_worker_in_a_durable_sleep_drops_the_sleep_its_mark_and_its_wake_up()
    {
        await using var fixture = new ExecutorFixture(typeof(Waiter));
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        var worker = ExecutorFixture.Worker(typeof(Waiter), "reverted-sleeper");
        Waiter.StepRuns.Clear();
        await using var process = await WaitingProcess.StartAsync(fixture);
        await process.Executor.EnqueueAsync(worker, "loop", [new Value.U32(3), new Value.U64(10)], "loop");
        // In its first sleep: the timer is armed (whether its suspension is committed yet or not, the revert drops it).
        Assert.Equal(TimeSpan.FromSeconds(10), await fixture.Time.NextTimerAsync());

        var reverted = await process.Executor.RevertAsync(worker, RevertTarget.Invocations(1));

        Assert.Equal(WorkerStatus.Idle, reverted.Status);
        Assert.Null(await process.Store.GetMarkAsync(worker));
        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        await process.Executor.Activation(worker).WakeAsync();
        // Bounded: were the sleep still there, this call would wait behind it.
        Assert.Equal(DurableSleepTests.List(), (await process.Executor.InvokeAsync(worker, "steps", []).WaitAsync(TimeSpan.FromSeconds(30))).Result);
        Assert.Equal([KeyValuePair.Create(1u, 1)], Waiter.StepRuns);
    }

    [Fact]
    public async Task Reverting_a_running_invocation_drops_it_and_its_caller_is_told()
    {
        await using var fixture = new ExecutorFixture(typeof(Tally));
        var worker = ExecutorFixture.Worker(typeof(Tally), "reverted-while-running");
        Tally.Gates.Clear();
        while (Tally.Held.Reader.TryRead(out _)) { }
        var (store, executor) = await fixture.StartAsync();
        await executor.InvokeAsync(worker, "add", [new Value.U64(2)]);
        var gate = new TaskCompletionSource();
        Tally.Gates.Enqueue(gate);
        var held = executor.InvokeAsync(worker, "hold", [], "held");
        Assert.Same(gate, await Tally.Held.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        await executor.EnqueueAsync(worker, "add", [new Value.U64(5)], "queued-after");

        await executor.RevertAsync(worker, RevertTarget.Invocations(1));

        Assert.Equal(ErrorCodes.InvocationAbandoned, (await Assert.ThrowsAnyAsync<ClayException>(() => held)).Code);
        gate.SetResult();
        // The invocation queued after the reverted one was skipped with it.
        Assert.Equal(new Value.List(new Value[] { new Value.U64(2) }), (await executor.InvokeAsync(worker, "history", [])).Result);
        Assert.Null(await store.GetMarkAsync(worker));
    }

    [Fact]
    public async Task Reverting_the_invocation_that_failed_a_worker_brings_it_back_without_running_that_invocation_again()
    {
        await using var fixture = new ExecutorFixture(typeof(Waiter)) { InvocationRetry = new Clay.Sdk.RetryPolicy(2, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 1) };
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        var worker = ExecutorFixture.Worker(typeof(Waiter), "reverted-after-failing");
        Waiter.FailuresLeft = int.MaxValue;
        Waiter.ServiceCalls = 0;
        await using var process = await WaitingProcess.StartAsync(fixture);
        await process.Executor.InvokeAsync(worker, "nap", [new Value.U64(0)], "nap");
        await process.Executor.EnqueueAsync(worker, "unsteady", [], "call");
        Assert.Equal(TimeSpan.FromSeconds(1), await fixture.Time.NextTimerAsync());
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await WaitingProcess.UntilAsync(async () => (await process.Store.GetMarkAsync(worker))?.Status == WorkerStatus.Failed, "the worker to fail");

        var reverted = await process.Executor.RevertAsync(worker, RevertTarget.Invocations(1));

        Assert.Equal(WorkerStatus.Idle, reverted.Status);
        Assert.Null(await process.Store.GetMarkAsync(worker));
        Assert.Equal(DurableSleepTests.List("nap 0", "woke 0"), (await process.Executor.InvokeAsync(worker, "steps", [])).Result);
        Assert.Equal(2, Waiter.ServiceCalls);
        Waiter.FailuresLeft = 0;
    }

    /// <summary>The indexes of the worker's <c>exported-function-completed</c> entries, in order.</summary>
    internal static async Task<long[]> EndsAsync(Executor executor, WorkerId worker) =>
        [.. (await executor.ReadOplogAsync(worker, query: "exported-function-completed")).Entries.Select(e => e.Index)];
}
