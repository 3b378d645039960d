using Clay.Runtime.Execution;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

[Collection(StaticComponentState.Name)]
public sealed class NondeterminismTests
{
    private static readonly WorkerId Worker = ExecutorFixture.Worker(typeof(Divergent), "d");

    [Fact]
    public async Task Code_that_asks_for_a_different_effect_on_replay_fails_the_worker_and_only_records_the_failure_once()
    {
        await using var fixture = new ExecutorFixture(typeof(Divergent));
        Divergent.UseClock = false;
        var (store, executor) = await fixture.StartAsync();
        await executor.InvokeAsync(Worker, "step", []);
        await executor.InvokeAsync(Worker, "step", []);
        await fixture.StopAsync(store, executor);

        Divergent.UseClock = true;
        try
        {
            var (reopenedStore, reopened) = await fixture.StartAsync();
            var lengthBefore = await reopenedStore.GetLastIndexAsync(Worker);
            var info = (await reopened.GetAsync(Worker, null)).GetInfo();

            Assert.Equal(WorkerStatus.Failed, info.Status);
            // create = 1, invoked = 2, the GUID effect = 3.
            Assert.Equal("[nondeterminism-detected] nondeterminism detected at oplog index 4: the oplog recorded effect random::new-guid, but the code attempted effect clock::utc-now", info.LastError);
            var error = await Assert.ThrowsAsync<WorkerUnavailableException>(() => reopened.InvokeAsync(Worker, "step", []));
            Assert.Equal("worker-failed", error.Code);
            // The history is left as it was; one error entry after it records the failure, and the stored
            // mark says Failed, so a listing or a restarted server shows it without loading the worker.
            Assert.Equal(lengthBefore + 1, await reopenedStore.GetLastIndexAsync(Worker));
            var recorded = Assert.IsType<Clay.Runtime.Oplog.OplogEntry.Error>(await LastEntryAsync(reopenedStore));
            Assert.Equal(("nondeterminism-detected", info.LastError), (recorded.ErrorCode, recorded.Message));
            var mark = await reopenedStore.GetMarkAsync(Worker);
            Assert.Equal((WorkerStatus.Failed, info.LastError), (mark!.Status, mark.LastError));
            await fixture.StopAsync(reopenedStore, reopened);

            // Rebuilt again, it fails again, and writes nothing more.
            var (againStore, again) = await fixture.StartAsync();
            Assert.Equal(WorkerStatus.Failed, (await again.GetAsync(Worker, null)).GetInfo().Status);
            Assert.Equal(lengthBefore + 1, await againStore.GetLastIndexAsync(Worker));
        }
        finally
        {
            Divergent.UseClock = false;
        }
    }

    [Fact]
    public async Task An_invocation_in_flight_whose_code_diverges_when_it_resumes_fails_the_worker_and_records_why()
    {
        await using var fixture = new ExecutorFixture(typeof(Divergent));
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        Divergent.UseClock = false;
        await using (var first = await WaitingProcess.StartAsync(fixture))
        {
            _ = first.Executor.InvokeAsync(Worker, "step-then-nap", []);
            await WaitingProcess.UntilAsync(async () => (await first.Store.GetMarkAsync(Worker))?.Status == WorkerStatus.Suspended, "the nap to begin");
        }

        Divergent.UseClock = true;
        try
        {
            await using var restarted = await WaitingProcess.StartAsync(fixture);
            var lengthBefore = await restarted.Store.GetLastIndexAsync(Worker);
            // Opening it resumes the nap, whose replay asks for the clock where the history holds a GUID.
            var executor = await restarted.Executor.GetAsync(Worker, null);
            // Failed in memory first, then recorded: the stored mark says Failed once the error entry is written with it.
            await WaitingProcess.UntilAsync(async () => (await restarted.Store.GetMarkAsync(Worker))?.Status == WorkerStatus.Failed, "the failure to be recorded");
            Assert.Equal(WorkerStatus.Failed, executor.GetInfo().Status);

            var info = executor.GetInfo();
            Assert.StartsWith("[nondeterminism-detected] nondeterminism detected at oplog index 4", info.LastError);
            var error = await Assert.ThrowsAsync<WorkerUnavailableException>(() => restarted.Executor.InvokeAsync(Worker, "count", []));
            Assert.Equal("worker-failed", error.Code);
            Assert.Equal(lengthBefore + 1, await restarted.Store.GetLastIndexAsync(Worker));
            var recorded = Assert.IsType<Clay.Runtime.Oplog.OplogEntry.Error>(await LastEntryAsync(restarted.Store));
            Assert.Equal("nondeterminism-detected", recorded.ErrorCode);
            Assert.Equal((WorkerStatus.Failed, info.LastError), ((await restarted.Store.GetMarkAsync(Worker))!.Status, (await restarted.Store.GetMarkAsync(Worker))!.LastError));
        }
        finally
        {
            Divergent.UseClock = false;
        }
    }

    private static async Task<Clay.Runtime.Oplog.OplogEntry> LastEntryAsync(Clay.Runtime.Storage.IOplogStore store)
    {
        var last = await store.GetLastIndexAsync(Worker);
        await foreach (var stored in store.ReadAsync(Worker, last, last)) return Clay.Runtime.Oplog.Codec.OplogCodec.Decode(stored.Payload.Span);
        throw new InvalidOperationException("no last entry");
    }

    [Fact]
    public async Task Code_that_returns_a_different_result_on_replay_is_detected()
    {
        await using var fixture = new ExecutorFixture(typeof(Divergent));
        Divergent.UseClock = false;
        var (store, executor) = await fixture.StartAsync();
        Assert.Equal(new Value.S32(0), (await executor.InvokeAsync(Worker, "count", [])).Result);
        await fixture.StopAsync(store, executor);

        Divergent.UseClock = true;
        try
        {
            var (_, reopened) = await fixture.StartAsync();
            var info = (await reopened.GetAsync(Worker, null)).GetInfo();

            Assert.Equal(WorkerStatus.Failed, info.Status);
            Assert.Equal("[nondeterminism-detected] nondeterminism detected at oplog index 4: the oplog recorded the result 0, but the code attempted to return 1", info.LastError);
        }
        finally
        {
            Divergent.UseClock = false;
        }
    }
}
