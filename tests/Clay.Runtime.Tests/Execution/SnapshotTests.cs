using Clay.Runtime.Execution;
using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;
using Cart;
using static Clay.Runtime.Tests.Execution.CartValues;

namespace Clay.Runtime.Tests.Execution;

[Collection(StaticComponentState.Name)]
public sealed class SnapshotTests
{
    [Fact]
    public async Task Recovery_from_a_snapshot_gives_the_same_state_and_results_as_a_full_replay()
    {
        var withSnapshots = await RunCartAsync(snapshotEvery: 7);
        var withoutSnapshots = await RunCartAsync(snapshotEvery: 0);

        Assert.True(withSnapshots.Snapshots > 3, $"{withSnapshots.Snapshots} snapshots taken");
        Assert.Equal(0, withoutSnapshots.Snapshots);
        Assert.Equal(withoutSnapshots.Results, withSnapshots.Results);
    }

    [Fact]
    public async Task Recovery_runs_only_the_invocations_after_the_latest_snapshot()
    {
        await using var fixture = new ExecutorFixture(typeof(Tally)) { SnapshotEvery = 20 };
        var worker = ExecutorFixture.Worker(typeof(Tally), "t");
        var (store, executor) = await fixture.StartAsync();
        for (ulong i = 1; i <= 100; i++) await executor.InvokeAsync(worker, "add", [new Value.U64(i)], idempotencyKey: $"k{i}");
        await fixture.StopAsync(store, executor);
        Tally.Executions = 0;

        var (_, reopened) = await fixture.StartAsync();
        var history = (Value.List)(await reopened.InvokeAsync(worker, "history", [])).Result!;
        var replayed = Tally.Executions;
        var again = await reopened.InvokeAsync(worker, "add", [new Value.U64(1)], idempotencyKey: "k3");

        Assert.InRange(replayed, 0, 10);
        Assert.Equal(100, history.Items.Length);
        Assert.Equal(new Value.U64(6), again.Result); // k3's recorded result (1 + 2 + 3), not run again
        Assert.Equal(new Value.U64(5051), (await reopened.InvokeAsync(worker, "add", [new Value.U64(1)])).Result);
    }

    [Fact]
    public async Task Recovery_reads_the_oplog_only_from_the_latest_snapshot_and_the_retained_keys_on()
    {
        await using var fixture = new ExecutorFixture(typeof(Tally)) { SnapshotEvery = 100, IdempotencyKeys = 10 };
        var worker = ExecutorFixture.Worker(typeof(Tally), "long");
        var (counting, reopened) = await AddThenReopenAsync(fixture, worker, 1_000);
        var history = (Value.List)(await reopened.InvokeAsync(worker, "history", [])).Result!;
        var read = counting.EntriesRead;
        var replayed = Tally.Executions;
        var retained = await reopened.InvokeAsync(worker, "add", [new Value.U64(7)], idempotencyKey: "k995");
        var executionsAfterRetained = Tally.Executions;
        var forgotten = await reopened.InvokeAsync(worker, "add", [new Value.U64(7)], idempotencyKey: "k1");

        Assert.Equal(Enumerable.Range(1, 1_000).Select(i => (Value)new Value.U64((ulong)i)), history.Items);
        Assert.InRange(replayed, 0, 50);
        // The oplog has over 2,000 entries; recovery reads one page back from the end (512) and the create entry.
        Assert.InRange(read, 1, 600);
        Assert.Equal(new Value.U64(995UL * 996 / 2), retained.Result); // the recorded sum, not run again
        Assert.Equal(replayed, executionsAfterRetained);
        Assert.Equal(new Value.U64(500_500 + 7), forgotten.Result); // older than the retained keys: runs again
    }

    [Fact]
    public async Task The_retained_keys_before_the_latest_snapshot_are_read_in_one_more_read_not_page_by_page()
    {
        await using var fixture = new ExecutorFixture(typeof(Tally)) { SnapshotEvery = 100, IdempotencyKeys = 1_000 };
        var worker = ExecutorFixture.Worker(typeof(Tally), "keys");
        var (counting, reopened) = await AddThenReopenAsync(fixture, worker, 1_500);
        await reopened.GetAsync(worker, null);
        var reads = counting.Reads;
        var replayed = Tally.Executions;
        var retained = await reopened.InvokeAsync(worker, "add", [new Value.U64(7)], idempotencyKey: "k600");
        var forgotten = await reopened.InvokeAsync(worker, "add", [new Value.U64(7)], idempotencyKey: "k400");

        // The keys of the last 1,000 invocations reach back about 2,000 entries: the page with the latest
        // snapshot, one read for the keys before it, and the create entry.
        Assert.True(reads <= 3, $"{reads} reads: {string.Join(", ", counting.ReadRanges)}");
        Assert.Equal(new Value.U64(600UL * 601 / 2), retained.Result); // the recorded sum, not run again
        Assert.Equal(replayed + 1, Tally.Executions); // only the forgotten key's call ran
        Assert.Equal(new Value.U64(1_500UL * 1_501 / 2 + 7), forgotten.Result); // older than the retained keys: runs again
    }

    /// <summary>
    /// Adds 1 to <paramref name="count"/> to the worker's tally, each with its key (k1, k2, …), stops, and opens
    /// the store again behind a counter of what is read; executions are counted from zero again.
    /// </summary>
    private static async Task<(CountingOplogStore Store, Executor Executor)> AddThenReopenAsync(ExecutorFixture fixture, WorkerId worker, ulong count)
    {
        var (store, executor) = await fixture.StartAsync();
        for (ulong i = 1; i <= count; i++) await executor.InvokeAsync(worker, "add", [new Value.U64(i)], idempotencyKey: $"k{i}");
        await fixture.StopAsync(store, executor);
        Tally.Executions = 0;
        var counting = new CountingOplogStore(await fixture.OpenStoreAsync());
        return (counting, fixture.NewExecutor(counting));
    }

    [Fact]
    public async Task Invocations_enqueued_long_before_the_latest_snapshot_and_not_started_survive_a_crash()
    {
        await using var fixture = new ExecutorFixture(typeof(Tally)) { SnapshotEvery = 50, IdempotencyKeys = 10 };
        var worker = ExecutorFixture.Worker(typeof(Tally), "queue");
        Tally.Gates.Clear();
        while (Tally.Held.Reader.TryRead(out _)) { }
        var firstGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Tally.Gates.Enqueue(firstGate);
        Tally.Gates.Enqueue(secondGate);
        try
        {
            var (store, executor) = await fixture.StartAsync();
            var held = executor.InvokeAsync(worker, "hold", [], idempotencyKey: "hold-1");
            var running = await executor.GetAsync(worker, null);
            for (ulong i = 1; i <= 300; i++) await running.EnqueueAsync("add", [new Value.U64(i)], $"a{i}");
            await running.EnqueueAsync("hold", [], "hold-2");
            for (ulong i = 301; i <= 310; i++) await running.EnqueueAsync("add", [new Value.U64(i)], $"a{i}");

            Assert.Same(firstGate, await Tally.Held.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
            firstGate.SetResult();
            await held;
            // The 300 adds run (snapshots every 50 entries, each naming the oldest pending invocation),
            // then the second hold keeps the worker busy with 10 adds still queued.
            Assert.Same(secondGate, await Tally.Held.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(10, running.GetInfo().PendingInvocations);
            await fixture.CrashAsync(store, executor);

            var (_, recovered) = await fixture.StartAsync();
            var history = (Value.List)(await recovered.InvokeAsync(worker, "history", [])).Result!;

            Assert.Equal(Enumerable.Range(1, 310).Select(i => (Value)new Value.U64((ulong)i)), history.Items);
        }
        finally
        {
            Tally.Gates.Clear();
        }
    }

    [Fact]
    public async Task A_small_state_is_snapshotted_long_before_the_entry_count_and_recovery_replays_little()
    {
        // The defaults: every 1,000 entries, or sooner once 100 entries since the last snapshot outweigh its state.
        await using var fixture = new ExecutorFixture(typeof(Tally)) { SnapshotEvery = 1000 };
        var worker = ExecutorFixture.Worker(typeof(Tally), "small");
        var (store, executor) = await fixture.StartAsync();
        for (ulong i = 1; i <= 150; i++) await executor.InvokeAsync(worker, "add", [new Value.U64(i)]);
        await fixture.StopAsync(store, executor);
        Tally.Executions = 0;

        var (reopenedStore, reopened) = await fixture.StartAsync();
        var history = (Value.List)(await reopened.InvokeAsync(worker, "history", [])).Result!;
        var snapshots = await SnapshotIndexesAsync(reopenedStore, worker);

        // 300 entries: a snapshot after about every 100, none of them waiting for the 1,000th.
        Assert.InRange(snapshots.Count, 2, 3);
        Assert.InRange(snapshots[0], 100, 104);
        Assert.InRange(Tally.Executions, 0, 51);
        Assert.Equal(150, history.Items.Length);
    }

    [Fact]
    public async Task A_worker_opened_for_each_call_still_weighs_all_the_entries_since_its_snapshot()
    {
        await using var fixture = new ExecutorFixture(typeof(Tally)) { SnapshotEvery = 1000, SnapshotSmallStateEvery = 10 };
        var worker = ExecutorFixture.Worker(typeof(Tally), "cold");
        // As a worker evicted between its calls: each call opens it again and writes two entries, fewer
        // bytes than the state; only with the entries read at the opening do they outweigh it.
        for (ulong i = 1; i <= 40; i++)
        {
            var (store, executor) = await fixture.StartAsync();
            await executor.InvokeAsync(worker, "add", [new Value.U64(i)]);
            await fixture.StopAsync(store, executor);
        }

        var (reopenedStore, reopened) = await fixture.StartAsync();
        var snapshots = await SnapshotIndexesAsync(reopenedStore, worker);
        var history = (Value.List)(await reopened.InvokeAsync(worker, "history", [])).Result!;

        Assert.True(snapshots.Count >= 3, $"snapshots at {string.Join(", ", snapshots)}");
        Assert.All(snapshots.Zip(snapshots.Skip(1)), pair => Assert.InRange(pair.Second - pair.First, 10, 20));
        Assert.Equal(40, history.Items.Length);
    }

    [Fact]
    public async Task A_state_heavier_than_the_entries_since_its_snapshot_waits_for_the_entry_count()
    {
        await using var fixture = new ExecutorFixture(typeof(Notebook)) { SnapshotEvery = 1000, SnapshotEveryBytes = 0 };
        var worker = ExecutorFixture.Worker(typeof(Notebook), "heavy");
        var (store, executor) = await fixture.StartAsync();
        await executor.InvokeAsync(worker, "write", [Str(new string('n', 60 * 1024))]);
        for (var i = 0; i < 200; i++) await executor.InvokeAsync(worker, "write", [Str("x")]);
        await fixture.StopAsync(store, executor);

        var (reopenedStore, reopened) = await fixture.StartAsync();
        var snapshots = await SnapshotIndexesAsync(reopenedStore, worker);
        var count = await reopened.InvokeAsync(worker, "write", [Str("last")]);

        // The first after 100 entries; then 300 small entries never weigh the 60 KiB state: no second one.
        Assert.Single(snapshots);
        Assert.Equal(new Value.U32(202), count.Result);
    }

    private static async Task<List<long>> SnapshotIndexesAsync(Storage.IOplogStore store, WorkerId worker)
    {
        var indexes = new List<long>();
        await foreach (var stored in store.ReadAsync(worker, 1))
        {
            if (OplogCodec.Decode(stored.Payload.Span) is OplogEntry.Snapshot) indexes.Add(stored.Index);
        }
        return indexes;
    }

    [Fact]
    public async Task Large_entries_bring_snapshots_sooner_than_the_entry_count()
    {
        await using var fixture = new ExecutorFixture(typeof(Notebook)) { SnapshotEvery = 1000, SnapshotEveryBytes = 8 * 1024 };
        var worker = ExecutorFixture.Worker(typeof(Notebook), "big-notes");
        var (store, executor) = await fixture.StartAsync();
        for (var i = 0; i < 40; i++) await executor.InvokeAsync(worker, "write", [Str(new string((char)('a' + i % 26), 1024))]);
        await fixture.StopAsync(store, executor);

        var (reopenedStore, reopened) = await fixture.StartAsync();
        var snapshots = 0;
        await foreach (var stored in reopenedStore.ReadAsync(worker, 1))
        {
            if (OplogCodec.Decode(stored.Payload.Span) is OplogEntry.Snapshot) snapshots++;
        }
        var count = await reopened.InvokeAsync(worker, "write", [Str("last")]);

        // 40 KiB of notes (and as much again in snapshots) with a snapshot at least every 8 KiB, far below 1,000 entries.
        Assert.InRange(snapshots, 3, 40);
        Assert.Equal(new Value.U32(41), count.Result);
    }

    [Fact]
    public async Task A_snapshot_that_fails_to_load_falls_back_to_a_full_replay_with_a_warning()
    {
        await using var fixture = new ExecutorFixture(typeof(Notebook)) { SnapshotEvery = 5 };
        var worker = ExecutorFixture.Worker(typeof(Notebook), "n");
        Notebook.BreakLoading = false;
        var (store, executor) = await fixture.StartAsync();
        for (var i = 0; i < 20; i++) await executor.InvokeAsync(worker, "write", [Str($"note {i}")]);
        await fixture.StopAsync(store, executor);

        Notebook.BreakLoading = true;
        try
        {
            var (_, reopened) = await fixture.StartAsync();
            var notes = (Value.List)(await reopened.InvokeAsync(worker, "read", [])).Result!;

            Assert.Equal(Enumerable.Range(0, 20).Select(i => (Value)Str($"note {i}")), notes.Items);
            Assert.Contains(fixture.Warnings, w => w.Contains("notebook snapshot is damaged", StringComparison.Ordinal)
                                                   && w.Contains("replaying the whole oplog", StringComparison.Ordinal));
            Assert.Equal(new Value.U32(21), (await reopened.InvokeAsync(worker, "write", [Str("after")])).Result);
        }
        finally
        {
            Notebook.BreakLoading = false;
        }
    }

    private static async Task<(int Snapshots, List<Value?> Results)> RunCartAsync(int snapshotEvery)
    {
        await using var fixture = new ExecutorFixture(typeof(ShoppingCart)) { SnapshotEvery = snapshotEvery };
        var cart = ExecutorFixture.Worker(typeof(ShoppingCart), "snap");
        var (store, executor) = await fixture.StartAsync();
        await executor.InvokeAsync(cart, "initialize-cart", [Str("user1")]);
        for (var i = 0; i < 30; i++)
        {
            await executor.InvokeAsync(cart, "add-item", [Item($"p{i}", quantity: (uint)i + 1)]);
            if (i % 4 == 0) await executor.InvokeAsync(cart, "remove-item", [Str($"p{i / 2}")]);
            if (i % 5 == 0) await executor.InvokeAsync(cart, "update-item-quantity", [Str($"p{i}"), new Value.U32(99)]);
        }
        await fixture.StopAsync(store, executor);

        var (reopenedStore, reopened) = await fixture.StartAsync();
        var snapshots = 0;
        await foreach (var stored in reopenedStore.ReadAsync(cart, 1))
        {
            if (OplogCodec.Decode(stored.Payload.Span) is OplogEntry.Snapshot) snapshots++;
        }
        var results = new List<Value?> { (await reopened.InvokeAsync(cart, "get-cart-contents", [])).Result };
        await reopened.InvokeAsync(cart, "add-item", [Item("late")]);
        await reopened.InvokeAsync(cart, "remove-item", [Str("p1")]);
        results.Add((await reopened.InvokeAsync(cart, "get-cart-contents", [])).Result);
        return (snapshots, results);
    }
}
