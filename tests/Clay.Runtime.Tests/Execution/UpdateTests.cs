using Clay.Runtime.Components;
using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Oplog;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

public sealed class UpdateTests
{
    private const string Ledger = "test:ledger";
    private static readonly WorkerId Worker = new(Ledger, "books");

    private static ExecutorFixture NewFixture()
    {
        var fixture = new ExecutorFixture();
        fixture.Catalog.Add(Ledger, ComponentModel.FromType(typeof(LedgerV1)), size: 1000);
        return fixture;
    }

    // The worker is made on version 0 (LedgerV1); then versions 1 to 3 are deployed: compatible, incompatible, refusing snapshots.
    private static async Task WithLinesAsync(ExecutorFixture fixture, Executor executor, params string[] lines)
    {
        await executor.CreateAsync(Worker, WorkerCreation.Default);
        foreach (var line in lines) await executor.InvokeAsync(Worker, "record", [new Value.String(line)]);
        foreach (var type in new[] { typeof(LedgerV2), typeof(LedgerV3), typeof(LedgerV4) })
        {
            fixture.Catalog.Add(Ledger, ComponentModel.FromType(type), size: 1000);
        }
    }

    private static Value Lines(params string[] lines) => new Value.List(lines.Select(l => (Value)new Value.String(l)).ToArray());

    private static async Task<string[]> UpdateKindsAsync(Executor executor) =>
        (await executor.ReadOplogAsync(Worker)).Entries.Select(e => e.Kind).Where(k => k.EndsWith("-update", StringComparison.Ordinal)).ToArray();

    [Fact]
    public async Task An_automatic_update_to_a_compatible_version_keeps_the_state_and_recovery_after_eviction_and_crash_uses_the_new_version()
    {
        await using var fixture = NewFixture();
        var (store, executor) = await fixture.StartAsync();
        await WithLinesAsync(fixture, executor, "a", "b");

        var info = await executor.UpdateAsync(Worker, 1, UpdateMode.Automatic);

        Assert.Equal(1, info.ComponentVersion);
        Assert.Equal(new Value.U32(2), (await executor.InvokeAsync(Worker, "total", [])).Result);
        Assert.Equal(["pending-update", "successful-update"], await UpdateKindsAsync(executor));

        Assert.True(await executor.EvictAsync(Worker));
        Assert.Equal(1, (await executor.GetInfoAsync(Worker)).ComponentVersion); // read from the oplog, out of memory
        Assert.Equal(new Value.U32(3), (await executor.InvokeAsync(Worker, "record", [new Value.String("c")])).Result);
        Assert.Equal(1, (await executor.GetInfoAsync(Worker)).ComponentVersion);

        await fixture.CrashAsync(store, executor);
        (_, executor) = await fixture.StartAsync();
        Assert.Equal(Lines("a", "b", "c"), (await executor.InvokeAsync(Worker, "lines", [])).Result);
        Assert.Equal(new Value.U32(3), (await executor.InvokeAsync(Worker, "total", [])).Result);
    }

    [Fact]
    public async Task A_listing_shows_the_version_an_update_moved_a_worker_to_while_it_is_out_of_memory_and_a_revert_past_the_update_takes_it_back()
    {
        await using var fixture = NewFixture();
        var (store, executor) = await fixture.StartAsync();
        await WithLinesAsync(fixture, executor, "a", "b");
        var beforeUpdate = (await executor.GetInfoAsync(Worker)).OplogLength;
        await executor.UpdateAsync(Worker, 1, UpdateMode.Automatic);

        // Out of memory, and after a restart: a listing reads the create entry (version 0) and the mark,
        // which the update's outcome wrote and the worker's own later writes keep.
        Assert.True(await executor.EvictAsync(Worker));
        Assert.Equal(1, (await store.GetMarkAsync(Worker))?.ComponentVersion);
        Assert.Equal(new long[] { 1 }, await ListedVersionsAsync(store));
        await executor.InvokeAsync(Worker, "record", [new Value.String("c")]);
        await fixture.CrashAsync(store, executor);
        (store, executor) = await fixture.StartAsync();
        Assert.Equal(new long[] { 1 }, await ListedVersionsAsync(store));
        Assert.Equal(new long[] { 1 }, await ListedVersionsAsync(store, "status == idle"));
        // Only the version: a listing for a status other than Idle does not find it.
        Assert.Empty(await ListedVersionsAsync(store, "status == failed"));

        await executor.RevertAsync(Worker, History.RevertTarget.ToOplogIndex(beforeUpdate));
        Assert.True(await executor.EvictAsync(Worker));
        Assert.Null(await store.GetMarkAsync(Worker));
        Assert.Equal(new long[] { 0 }, await ListedVersionsAsync(store));
        Assert.Equal(Lines("a", "b"), (await executor.InvokeAsync(Worker, "lines", [])).Result);
    }

    private static async Task<long[]> ListedVersionsAsync(Storage.IOplogStore store, params string[] filters) =>
        (await Clay.Runtime.Workers.WorkerListing.ListAsync(store, new Clay.Runtime.Residency.ResidentWorkers(), Ledger, filters, 10, null, null, CancellationToken.None))
            .Workers.Select(w => w.ComponentVersion).ToArray();

    [Fact]
    public async Task Recovery_after_an_update_that_later_snapshots_hold_reads_back_only_as_far_as_the_retained_keys_not_the_whole_oplog()
    {
        await using var fixture = NewFixture();
        fixture.SnapshotEvery = 10;
        fixture.IdempotencyKeys = 50;
        var (store, executor) = await fixture.StartAsync();
        var before = Enumerable.Range(1, 400).Select(i => $"before {i}").ToArray();
        await WithLinesAsync(fixture, executor, before);
        await executor.UpdateAsync(Worker, 1, UpdateMode.Automatic);
        var pending = Assert.Single((await executor.ReadOplogAsync(Worker, query: "pending-update")).Entries).Index;
        var after = Enumerable.Range(1, 20).Select(i => $"after {i}").ToArray();
        foreach (var line in after) await executor.InvokeAsync(Worker, "record", [new Value.String(line)]);
        var length = (await executor.GetInfoAsync(Worker)).OplogLength;
        await fixture.StopAsync(store, executor);

        var counting = new CountingOplogStore(await fixture.OpenStoreAsync());
        executor = fixture.NewExecutor(counting);
        Assert.Equal(Lines([.. before, .. after]), (await executor.InvokeAsync(Worker, "lines", [])).Result);
        var read = counting.EntriesRead;

        // The update is within the retained keys' reach but behind the latest snapshot, which the new version
        // took: recovery reads back as far as the keys need (50 invocations), not the whole oplog, and runs the new version.
        Assert.True(length > 1_200, $"{length} entries");
        Assert.InRange(read, 1, 600); // one page back from the end (512) and the construction
        var info = await executor.GetInfoAsync(Worker);
        Assert.Equal(1, info.ComponentVersion);
        Assert.Equal(pending, info.UpdatesFrom);
        Assert.Equal(new Value.U32(420), (await executor.InvokeAsync(Worker, "total", [])).Result);
    }

    [Fact]
    public async Task An_automatic_update_whose_replay_diverges_fails_and_the_worker_stays_usable_on_its_version()
    {
        await using var fixture = NewFixture();
        var (store, executor) = await fixture.StartAsync();
        await WithLinesAsync(fixture, executor, "a", "b");

        var failed = await Assert.ThrowsAsync<ClayException>(() => executor.UpdateAsync(Worker, 2, UpdateMode.Automatic));

        Assert.Equal(ErrorCodes.UpdateFailed, failed.Code);
        Assert.Contains("stays on version 0", failed.Message);
        Assert.Equal(0, (await executor.GetInfoAsync(Worker)).ComponentVersion);
        Assert.Equal(new Value.U32(3), (await executor.InvokeAsync(Worker, "record", [new Value.String("c")])).Result);
        var outcome = Assert.Single((await executor.ReadOplogAsync(Worker, query: "failed-update")).Entries);
        Assert.Contains(outcome.Fields, f => f.Name == "target-version" && f.Value == "2");

        await fixture.CrashAsync(store, executor);
        (_, executor) = await fixture.StartAsync();
        Assert.Equal(Lines("a", "b", "c"), (await executor.InvokeAsync(Worker, "lines", [])).Result);
        Assert.Equal(0, (await executor.GetInfoAsync(Worker)).ComponentVersion);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public async Task A_manual_update_moves_the_state_through_the_snapshot_hooks_and_recovery_never_replays_the_old_history_on_the_new_code(int snapshotEvery)
    {
        await using var fixture = NewFixture();
        fixture.SnapshotEvery = snapshotEvery;
        var (store, executor) = await fixture.StartAsync();
        await WithLinesAsync(fixture, executor, "a", "b");

        var info = await executor.UpdateAsync(Worker, 2, UpdateMode.Manual);

        Assert.Equal(2, info.ComponentVersion);
        Assert.Equal(Lines("a", "b"), (await executor.InvokeAsync(Worker, "lines", [])).Result);
        Assert.Equal(new Value.U32(3), (await executor.InvokeAsync(Worker, "record", [new Value.String("c")])).Result);

        // Version 3 cannot replay version 1's history: a recovery that did would fail the worker.
        await fixture.CrashAsync(store, executor);
        (store, executor) = await fixture.StartAsync();
        Assert.Equal(Lines("a", "b", "c"), (await executor.InvokeAsync(Worker, "lines", [])).Result);
        Assert.Equal(2, (await executor.GetInfoAsync(Worker)).ComponentVersion);
        Assert.True(await executor.EvictAsync(Worker));
        Assert.Equal(new Value.U32(4), (await executor.InvokeAsync(Worker, "record", [new Value.String("d")])).Result);
    }

    [Fact]
    public async Task A_manual_update_whose_new_version_cannot_load_the_snapshot_fails_and_the_worker_stays_on_its_version()
    {
        await using var fixture = NewFixture();
        var (store, executor) = await fixture.StartAsync();
        await WithLinesAsync(fixture, executor, "a");

        var failed = await Assert.ThrowsAsync<ClayException>(() => executor.UpdateAsync(Worker, 3, UpdateMode.Manual));

        Assert.Equal(ErrorCodes.UpdateFailed, failed.Code);
        Assert.Contains("cannot read this snapshot", failed.Message);
        Assert.Equal(new Value.U32(2), (await executor.InvokeAsync(Worker, "record", [new Value.String("b")])).Result);
        await fixture.CrashAsync(store, executor);
        (_, executor) = await fixture.StartAsync();
        Assert.Equal(Lines("a", "b"), (await executor.InvokeAsync(Worker, "lines", [])).Result);
        Assert.Equal(0, (await executor.GetInfoAsync(Worker)).ComponentVersion);
    }

    [Fact]
    public async Task Updates_that_cannot_be_met_are_refused_with_their_codes_and_write_nothing()
    {
        await using var fixture = NewFixture();
        var (_, executor) = await fixture.StartAsync();
        await WithLinesAsync(fixture, executor, "a");
        var length = (await executor.GetInfoAsync(Worker)).OplogLength;

        Assert.Equal(ErrorCodes.UpdateVersionNotFound,
            (await Assert.ThrowsAsync<ClayException>(() => executor.UpdateAsync(Worker, 9, UpdateMode.Automatic))).Code);
        Assert.Equal(ErrorCodes.UpdateSameVersion,
            (await Assert.ThrowsAsync<ClayException>(() => executor.UpdateAsync(Worker, 0, UpdateMode.Manual))).Code);
        await Assert.ThrowsAsync<WorkerNotFoundException>(() => executor.UpdateAsync(new WorkerId(Ledger, "nobody"), 1, UpdateMode.Automatic));

        Assert.Equal(length, (await executor.GetInfoAsync(Worker)).OplogLength);
        Assert.Equal(new Value.U32(2), (await executor.InvokeAsync(Worker, "record", [new Value.String("b")])).Result);
    }

    [Fact]
    public async Task An_update_the_process_stopped_during_is_recorded_as_failed_on_recovery_and_the_worker_goes_on_on_its_version()
    {
        await using var fixture = NewFixture();
        var (store, executor) = await fixture.StartAsync();
        await WithLinesAsync(fixture, executor, "a");
        await fixture.StopAsync(store, executor);
        // What a kill during an update leaves: the request, and no outcome.
        store = await fixture.OpenStoreAsync();
        var last = await store.GetLastIndexAsync(Worker);
        var pending = Clay.Runtime.Oplog.Codec.OplogCodec.Encode(new OplogEntry.PendingUpdate(fixture.Time.GetUtcNow(), 2, UpdateMode.Automatic));
        await store.AppendAsync(Worker, last + 1, [pending]);
        executor = fixture.NewExecutor(store);

        Assert.Equal(Lines("a"), (await executor.InvokeAsync(Worker, "lines", [])).Result);
        Assert.Equal(0, (await executor.GetInfoAsync(Worker)).ComponentVersion);
        var outcome = Assert.Single((await executor.ReadOplogAsync(Worker, query: "failed-update")).Entries);
        Assert.Contains(outcome.Fields, f => f.Name == "details" && f.Value.Contains("interrupted", StringComparison.Ordinal));
        // And it can be updated again.
        Assert.Equal(1, (await executor.UpdateAsync(Worker, 1, UpdateMode.Automatic)).ComponentVersion);
    }
}
