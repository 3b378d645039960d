using Clay.Runtime.Components;
using Clay.Runtime.Execution;
using Clay.Runtime.History;
using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;
using Clay.Runtime.Tests.Execution;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Workers;

/// <summary>A worker's update history, as <c>worker get</c> shows it, read without reading a long oplog whole.</summary>
public sealed class WorkerUpdatesTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);
    private static readonly WorkerId Worker = new("demo:cart", "long");

    [Fact]
    public async Task The_history_is_read_from_the_first_update_the_latest_snapshot_names_and_equals_a_whole_reading()
    {
        // Updates early on, a snapshot after 20,000 entries that names the first, one more update after it.
        var (known, length, firstUpdate) = await WriteAsync(updatesFrom: null);
        var (unknown, _, _) = await WriteAsync(updatesFrom: -1);
        var counted = new CountingOplogStore(known);
        var whole = new CountingOplogStore(unknown);

        var updates = await WorkerUpdates.ReadAsync(counted, Worker);
        var wholeUpdates = await WorkerUpdates.ReadAsync(whole, Worker);

        Assert.Equal(
            [("8", "succeeded", (string?)null), ("9", "failed", "no room"), ("10", "pending", null)],
            updates.Select(u => (u.TargetVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), u.Outcome, u.Detail)));
        Assert.Equal(wholeUpdates, updates);
        // A snapshot written before it was recorded: read from the start.
        Assert.True(whole.EntriesRead >= length, $"{whole.EntriesRead} entries read of {length}");
        Assert.True(counted.EntriesRead <= length - firstUpdate + 1 + 2 * WorkerUpdates.FirstWindow, $"{counted.EntriesRead} entries read of {length}");
    }

    [Fact]
    public async Task A_worker_never_updated_reads_only_from_its_latest_snapshot_on()
    {
        var entries = new List<OplogEntry> { new OplogEntry.Create(At, 7, [], [], 1000, 500) };
        entries.AddRange(Logs(20_000));
        entries.Add(new OplogEntry.Snapshot(At, "custom", new Bytes([1]), UpdatesFrom: 0));
        entries.AddRange(Logs(10));
        var store = new CountingOplogStore(await StoreAsync(entries));

        Assert.Empty(await WorkerUpdates.ReadAsync(store, Worker));
        Assert.True(store.EntriesRead <= 2 * WorkerUpdates.FirstWindow, $"{store.EntriesRead} entries read of {entries.Count}");
    }

    [Fact]
    public async Task Snapshots_say_where_the_update_history_begins_across_updates_and_restarts()
    {
        var worker = new WorkerId(Ledger, "books");
        await using var fixture = new ExecutorFixture { SnapshotEvery = 8 };
        var (store, executor) = await StartLedgerAsync(fixture, worker);
        await RecordAsync(executor, worker, "a", 12);
        Assert.All(await SnapshotsAsync(store, worker), s => Assert.Equal(0, s.Entry.UpdatesFrom));

        fixture.Catalog.Add(Ledger, ComponentModel.FromType(typeof(LedgerV2)), size: 1000);
        await executor.UpdateAsync(worker, 1, UpdateMode.Automatic);
        var pending = await IndexOfAsync(store, worker, OplogEntryKind.PendingUpdate);
        await RecordAsync(executor, worker, "b", 12);
        // After a restart the worker opens from its latest snapshot, and learns it from there.
        await fixture.CrashAsync(store, executor);
        (store, executor) = await fixture.StartAsync();
        await RecordAsync(executor, worker, "c", 12);

        var after = (await SnapshotsAsync(store, worker)).Where(s => s.Index > pending).ToList();
        Assert.True(after.Count >= 4, $"{after.Count} snapshots after the update");
        Assert.All(after, s => Assert.Equal(pending, s.Entry.UpdatesFrom));
        var update = Assert.Single(await WorkerUpdates.ReadAsync(store, worker));
        Assert.Equal((1L, "succeeded"), (update.TargetVersion, update.Outcome));
    }

    [Fact]
    public async Task A_worker_in_memory_knows_where_its_updates_begin_without_snapshots_and_none_is_read_for_one_never_updated()
    {
        var worker = new WorkerId(Ledger, "unsnapshotted");
        // No snapshots: out of memory, the history can only be found by reading the whole oplog.
        await using var fixture = new ExecutorFixture { SnapshotEvery = 0 };
        var (store, executor) = await StartLedgerAsync(fixture, worker);
        await RecordAsync(executor, worker, "a", 40);

        var info = await executor.GetInfoAsync(worker);
        Assert.True(info.Resident);
        Assert.Equal(0, info.UpdatesFrom);
        var counted = new CountingOplogStore(store);
        Assert.Empty(await WorkerUpdates.ReadAsync(counted, worker, info.UpdatesFrom));
        Assert.Equal(0, counted.EntriesRead);
        // Not knowing, the same question reads it all.
        Assert.Empty(await WorkerUpdates.ReadAsync(counted, worker));
        Assert.True(counted.EntriesRead >= info.OplogLength, $"{counted.EntriesRead} entries read of {info.OplogLength}");

        fixture.Catalog.Add(Ledger, ComponentModel.FromType(typeof(LedgerV2)), size: 1000);
        await executor.UpdateAsync(worker, 1, UpdateMode.Automatic);
        await RecordAsync(executor, worker, "b", 40);
        info = await executor.GetInfoAsync(worker);
        var pending = await IndexOfAsync(store, worker, OplogEntryKind.PendingUpdate);
        Assert.Equal(pending, info.UpdatesFrom);
        counted = new CountingOplogStore(store);
        var known = await WorkerUpdates.ReadAsync(counted, worker, info.UpdatesFrom);
        Assert.Equal(info.OplogLength - pending + 1, counted.EntriesRead);
        Assert.Equal((1L, "succeeded"), (Assert.Single(known).TargetVersion, known[0].Outcome));
        Assert.Equal(await WorkerUpdates.ReadAsync(store, worker), known);

        // Out of memory, nothing is known: the oplog says.
        await fixture.CrashAsync(store, executor);
        (store, executor) = await fixture.StartAsync();
        Assert.Equal(-1, (await executor.GetInfoAsync(worker)).UpdatesFrom);
    }

    private const string Ledger = "test:ledger";

    /// <summary>Starts <paramref name="fixture"/> with the ledger's first version and creates <paramref name="worker"/> on it.</summary>
    private static async Task<(IOplogStore Store, Executor Executor)> StartLedgerAsync(ExecutorFixture fixture, WorkerId worker)
    {
        fixture.Catalog.Add(Ledger, ComponentModel.FromType(typeof(LedgerV1)), size: 1000);
        var (store, executor) = await fixture.StartAsync();
        await executor.CreateAsync(worker, WorkerCreation.Default);
        return (store, executor);
    }

    /// <summary>Records <paramref name="count"/> lines, <paramref name="prefix"/>0 on.</summary>
    private static async Task RecordAsync(Executor executor, WorkerId worker, string prefix, int count)
    {
        for (var i = 0; i < count; i++) await executor.InvokeAsync(worker, "record", [new Value.String($"{prefix}{i}")]);
    }

    private static async Task<List<(long Index, OplogEntry.Snapshot Entry)>> SnapshotsAsync(IOplogStore store, WorkerId worker)
    {
        var snapshots = new List<(long, OplogEntry.Snapshot)>();
        await foreach (var stored in store.ReadAsync(worker, 1))
        {
            if (OplogCodec.Decode(stored.Payload.Span) is OplogEntry.Snapshot snapshot) snapshots.Add((stored.Index, snapshot));
        }
        return snapshots;
    }

    private static async Task<long> IndexOfAsync(IOplogStore store, WorkerId worker, OplogEntryKind kind)
    {
        await foreach (var stored in store.ReadAsync(worker, 1))
        {
            if (OplogCodec.PeekKind(stored.Payload.Span) == kind) return stored.Index;
        }
        throw new InvalidOperationException($"no {kind} entry");
    }

    /// <summary>
    /// An oplog with two updates among its first entries, a snapshot after 20,000 entries naming where they
    /// begin (or <paramref name="updatesFrom"/>), and an update requested after it.
    /// </summary>
    private static async Task<(IOplogStore Store, long Length, long FirstUpdate)> WriteAsync(long? updatesFrom)
    {
        var entries = new List<OplogEntry> { new OplogEntry.Create(At, 7, [], [], 1000, 500) };
        entries.AddRange(Logs(100));
        var firstUpdate = entries.Count + 1;
        entries.Add(new OplogEntry.PendingUpdate(At, 8, UpdateMode.Automatic));
        entries.Add(new OplogEntry.SuccessfulUpdate(At, 8, 1000));
        entries.AddRange(Logs(50));
        entries.Add(new OplogEntry.PendingUpdate(At, 9, UpdateMode.Manual));
        entries.Add(new OplogEntry.FailedUpdate(At, 9, "no room"));
        entries.AddRange(Logs(20_000));
        entries.Add(new OplogEntry.Snapshot(At, "custom", new Bytes([1]), ComponentVersion: 8, UpdatesFrom: updatesFrom ?? firstUpdate));
        entries.AddRange(Logs(30));
        entries.Add(new OplogEntry.PendingUpdate(At, 10, UpdateMode.Automatic));
        entries.AddRange(Logs(5));
        return (await StoreAsync(entries), entries.Count, firstUpdate);
    }

    private static IEnumerable<OplogEntry> Logs(int count) =>
        Enumerable.Range(0, count).Select(i => new OplogEntry.Log(At, Clay.Sdk.WorkerLogLevel.Info, "stdout", $"line {i}"));

    private static async Task<IOplogStore> StoreAsync(List<OplogEntry> entries)
    {
        var store = new InMemoryOplogStore();
        await store.AppendAsync(Worker, 1, [.. entries.Select(e => (ReadOnlyMemory<byte>)OplogCodec.Encode(e))]);
        return store;
    }
}
