using Clay.Runtime.Execution;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

[Collection(StaticComponentState.Name)]
public sealed class WorkerCallTests
{
    private static WorkerId Relay(string name) => ExecutorFixture.Worker(typeof(Relay), name);

    private static Value Path(params string[] names) => DurableSleepTests.List(names);

    [Fact]
    public async Task A_chain_of_three_workers_answers_and_each_callee_serves_each_call_once_also_across_replays()
    {
        await using var fixture = new ExecutorFixture(typeof(Relay));
        Clay.TestComponents.Durability.Relay.Served.Clear();
        var (store, executor) = await fixture.StartAsync();

        var answer = await executor.InvokeAsync(Relay("a"), "forward", [Path("b", "c")], "chain");
        Assert.Equal(new Value.String("a>b>c"), answer.Result);
        Assert.Equal(new Value.String("a>b>c"), (await executor.InvokeAsync(Relay("a"), "forward", [Path("b", "c")], "chain")).Result);
        await fixture.StopAsync(store, executor);

        // A restart replays all three from their oplogs: the calls are served from the callers' records.
        var (_, restarted) = await fixture.StartAsync();
        foreach (var name in new[] { "a", "b", "c" }) Assert.True((await restarted.GetAsync(Relay(name), null)).Status is WorkerStatus.Idle);
        Assert.Equal(new Value.String("a>b>c"), (await restarted.InvokeAsync(Relay("a"), "forward", [Path("b", "c")], "chain")).Result);
        Assert.Equal(new Dictionary<string, int> { ["c:"] = 1, ["b:c"] = 1, ["a:b,c"] = 1 }, Clay.TestComponents.Durability.Relay.Served);
        var calls = await restarted.ReadOplogAsync(Relay("a"), query: "\"worker::call\"");
        Assert.Single(calls.Entries);
    }

    [Fact]
    public async Task A_call_that_closes_a_cycle_fails_at_once_with_call_cycle()
    {
        await using var fixture = new ExecutorFixture(typeof(Relay));
        var (_, executor) = await fixture.StartAsync();

        var failure = await Assert.ThrowsAsync<InvocationFailedException>(() => executor.InvokeAsync(Relay("a"), "forward", [Path("b", "a")])).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("call-cycle", failure.Message);
        Assert.Contains("test:relay/a → test:relay/b → test:relay/a", failure.Message);
        // Both stay usable: the refusal recorded nothing at the worker that was asked.
        Assert.Equal(new Value.String("b"), (await executor.InvokeAsync(Relay("b"), "forward", [Path()])).Result);
    }

    [Fact]
    public async Task A_caller_waiting_on_a_long_callee_is_suspended_leaves_memory_and_is_woken_by_the_callee_s_answer()
    {
        await using var fixture = new ExecutorFixture(typeof(Relay));
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        await using var process = await WaitingProcess.StartAsync(fixture);
        var asker = Relay("asker");

        var call = await AskAndWaitAsync(fixture, process);
        Assert.Equal(WorkerStatus.Suspended, (await process.Executor.GetInfoAsync(asker)).Status);
        Assert.Equal(WorkerStatus.Suspended, (await process.Store.GetMarkAsync(asker))?.Status);
        Assert.True(await process.Executor.EvictAsync(asker).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAsync<WorkerSuspendedException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));

        // Half a minute on, the callee wakes and answers; its answer wakes the caller before the caller's
        // own poll (a minute after it suspended) would have, and the caller collects it without a new call.
        fixture.Time.Advance(TimeSpan.FromSeconds(29));
        await WaitingProcess.UntilAsync(async () => await process.Store.GetMarkAsync(asker) is null, "the caller to finish");
        await AssertAnsweredOnceAsync(process);
    }

    [Fact]
    public async Task A_caller_waiting_on_a_long_callee_when_the_process_dies_asks_again_at_start_up_and_is_woken_by_the_answer()
    {
        await using var fixture = new ExecutorFixture(typeof(Relay));
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        var asker = Relay("asker");
        var first = await WaitingProcess.StartAsync(fixture);
        var call = await AskAndWaitAsync(fixture, first);
        // The stored mark says the caller waits, until its poll, and that start-up must take it up at once:
        // after a restart its callee no longer knows who waits on its answer.
        var mark = await first.Store.GetMarkAsync(asker);
        Assert.Equal(WorkerStatus.Suspended, mark?.Status);
        Assert.True(mark?.HasPendingWork, "a caller waiting for an answer is not taken up at start-up");
        Assert.Equal(fixture.Time.GetUtcNow() + TimeSpan.FromMinutes(1), mark?.WakeAt);
        await first.CrashAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));

        await using var restarted = await WaitingProcess.StartAsync(fixture);
        await WaitingProcess.UntilAsync(() => Task.FromResult(restarted.Executor.TryGetResident(asker) is not null), "the caller to be recovered");
        // The callee's nap ends well before the caller's poll: only its answer can end the caller's invocation.
        fixture.Time.Advance(TimeSpan.FromSeconds(29));
        await WaitingProcess.UntilAsync(async () => await restarted.Store.GetMarkAsync(asker) is null, "the caller to finish");
        await AssertAnsweredOnceAsync(restarted);
    }

    /// <summary>
    /// The asker calls the napper for a 30 s nap; once the napper sleeps, a second passes (the durable-sleep
    /// threshold) and the asker stops waiting in memory: suspended, with a durable wake-up. Returns the call.
    /// </summary>
    private static async Task<Task<InvocationResult>> AskAndWaitAsync(ExecutorFixture fixture, WaitingProcess process)
    {
        var call = process.Executor.InvokeAsync(Relay("asker"), "ask-nap", [new Value.String("napper"), new Value.U64(30)], "ask");
        await WaitingProcess.UntilAsync(async () => (await process.Store.GetMarkAsync(Relay("napper")))?.Status == WorkerStatus.Suspended, "the callee to sleep");
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await WaitingProcess.UntilAsync(() => Task.FromResult(process.Executor.TryGetResident(Relay("asker"))?.IsWaiting == true), "the caller to suspend");
        return call;
    }

    /// <summary>The asker's call answers under its key without a new call; the nap ran once at the callee, and the caller recorded one call.</summary>
    private static async Task AssertAnsweredOnceAsync(WaitingProcess process)
    {
        Assert.Equal(new Value.String("napper rested 30 s"), (await process.Executor.InvokeAsync(Relay("asker"), "ask-nap",
            [new Value.String("napper"), new Value.U64(30)], "ask").WaitAsync(TimeSpan.FromSeconds(30))).Result);
        Assert.Single((await process.Executor.ReadOplogAsync(Relay("napper"), query: "\"clock::sleep\"")).Entries);
        Assert.Single((await process.Executor.ReadOplogAsync(Relay("asker"), query: "\"worker::call\"")).Entries);
    }

    [Fact]
    public async Task A_fire_and_forget_note_is_queued_once_at_the_callee_even_when_the_sender_is_replayed()
    {
        await using var fixture = new ExecutorFixture(typeof(Relay));
        var (store, executor) = await fixture.StartAsync();

        await executor.InvokeAsync(Relay("sender"), "notify", [new Value.String("inbox"), new Value.String("hello")], "note");
        await WaitingProcess.UntilAsync(async () =>
            (await executor.InvokeAsync(Relay("inbox"), "received", [])).Result is Value.List { Items.Length: 1 }, "the note to arrive");
        await fixture.StopAsync(store, executor);

        var (_, restarted) = await fixture.StartAsync();
        await restarted.GetAsync(Relay("sender"), null);
        Assert.Equal(Path("sender: hello"), (await restarted.InvokeAsync(Relay("inbox"), "received", [])).Result);
    }
}
