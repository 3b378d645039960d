using Clay.Runtime.Execution;
using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;
using Clay.Runtime.Tests.Execution;
using Clay.Runtime.Values;
using Clay.Runtime.Workers;

namespace Clay.Runtime.Tests.Workers;

/// <summary>What <c>worker get</c> says of a worker out of memory, read from its oplog without reading a long history whole.</summary>
public sealed class WorkerRecordsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);
    private static readonly WorkerId Worker = new("demo:cart", "long");

    [Theory]
    [InlineData(1, 2)]
    [InlineData(3, 2)]
    [InlineData(20_000, 2)]
    [InlineData(20_000, 19_990)]
    [InlineData(20_000, 100)]
    public async Task Memory_figures_are_those_of_the_first_and_last_grow_memory_entries(int logs, int lastGrowAt)
    {
        var (store, entries) = await WriteAsync(logs, lastGrowAt);

        var info = await WorkerRecords.ReadAsync(store, Worker, null, withMemory: true, CancellationToken.None);

        var grows = entries.OfType<OplogEntry.GrowMemory>().ToList();
        Assert.Equal(grows[0].Total, info.MemoryAtStartup);
        Assert.Equal(grows[^1].Total, info.MemoryNow);
        Assert.Equal(entries.Count, info.OplogLength);
        Assert.Equal(7, info.ComponentVersion);
    }

    [Fact]
    public async Task A_long_history_is_not_read_whole()
    {
        var (inner, _) = await WriteAsync(logs: 20_000, lastGrowAt: 19_990);
        var store = new CountingOplogStore(inner);

        var info = await WorkerRecords.ReadAsync(store, Worker, null, withMemory: true, CancellationToken.None);

        Assert.Equal(20_003, info.OplogLength);
        // The create entry, the last window (64 entries) back to the last grow-memory entry, the first window forward.
        Assert.True(store.EntriesRead <= 1 + 2 * WorkerRecords.FirstWindow, $"{store.EntriesRead} entries read of {info.OplogLength}");
    }

    [Fact]
    public async Task A_snapshot_after_the_last_growth_gives_the_memory_now_and_the_version_without_reading_further_back()
    {
        var (inner, _) = await WriteAsync(logs: 20_000, lastGrowAt: 2,
            new OplogEntry.Snapshot(At, "custom", new Bytes([1]), RecordedMemory: 2048, ComponentVersion: 8, UpdatesFrom: 0),
            new OplogEntry.Log(At, Clay.Sdk.WorkerLogLevel.Info, "stdout", "after"));
        var store = new CountingOplogStore(inner);

        var info = await WorkerRecords.ReadAsync(store, Worker, null, withMemory: true, CancellationToken.None);

        Assert.Equal((600L, 2048L, 8L), (info.MemoryAtStartup, info.MemoryNow, info.ComponentVersion));
        Assert.True(store.EntriesRead <= 1 + 2 * WorkerRecords.FirstWindow, $"{store.EntriesRead} entries read of {info.OplogLength}");
    }

    [Fact]
    public async Task The_version_of_a_worker_whose_mark_names_none_is_that_of_its_last_update_after_its_last_growth()
    {
        var (store, _) = await WriteAsync(logs: 500, lastGrowAt: 2, new OplogEntry.SuccessfulUpdate(At, 8, 100), new OplogEntry.SuccessfulUpdate(At, 9, 100));

        var info = await WorkerRecords.ReadAsync(store, Worker, null, withMemory: true, CancellationToken.None);

        Assert.Equal(9, info.ComponentVersion);
    }

    [Fact]
    public async Task An_invocation_is_found_accepted_by_its_key_when_queued_scheduled_or_begun_within_the_last_entries()
    {
        Value[] none = [];
        var (store, _) = await WriteAsync(logs: 3, lastGrowAt: 2,
            new OplogEntry.PendingWorkerInvocation(At, "checkout", none, "queued"),
            new OplogEntry.ScheduledInvocation(At, "checkout", none, "later", At.AddHours(1)),
            new OplogEntry.ExportedFunctionInvoked(At, "checkout", none, "begun"),
            new OplogEntry.CancelPendingInvocation(At, "cancelled"));

        Assert.True(await WorkerRecords.AcceptedAsync(store, Worker, "queued", CancellationToken.None));
        Assert.True(await WorkerRecords.AcceptedAsync(store, Worker, "later", CancellationToken.None));
        Assert.True(await WorkerRecords.AcceptedAsync(store, Worker, "begun", CancellationToken.None));
        Assert.False(await WorkerRecords.AcceptedAsync(store, Worker, "cancelled", CancellationToken.None));
        Assert.False(await WorkerRecords.AcceptedAsync(store, Worker, "other", CancellationToken.None));
        Assert.False(await WorkerRecords.AcceptedAsync(store, new WorkerId("demo:cart", "absent"), "queued", CancellationToken.None));
    }

    [Fact]
    public async Task An_invocation_is_looked_for_only_among_the_last_entries()
    {
        var (inner, _) = await WriteAsync(logs: 0, lastGrowAt: 2, [new OplogEntry.PendingWorkerInvocation(At, "checkout", [], "old"),
            .. Enumerable.Range(0, WorkerRecords.AcceptedWindow).Select(i => new OplogEntry.Log(At, Clay.Sdk.WorkerLogLevel.Info, "stdout", $"{i}"))]);
        var store = new CountingOplogStore(inner);

        Assert.False(await WorkerRecords.AcceptedAsync(store, Worker, "old", CancellationToken.None));
        Assert.Equal(WorkerRecords.AcceptedWindow, store.EntriesRead);
    }

    /// <summary>
    /// An oplog: the create entry, a grow-memory entry, <paramref name="logs"/> log entries, a second
    /// grow-memory entry at <paramref name="lastGrowAt"/> (none when that is 2), then <paramref name="tail"/>.
    /// </summary>
    private static async Task<(IOplogStore Store, List<OplogEntry> Entries)> WriteAsync(int logs, int lastGrowAt, params OplogEntry[] tail)
    {
        var entries = new List<OplogEntry>
        {
            new OplogEntry.Create(At, 7, [], [], 1000, 500),
            new OplogEntry.GrowMemory(At, 100, 600),
        };
        for (var i = 0; i < logs; i++)
        {
            if (entries.Count + 1 == lastGrowAt && lastGrowAt > 2) entries.Add(new OplogEntry.GrowMemory(At, 900, 1500));
            entries.Add(new OplogEntry.Log(At, Clay.Sdk.WorkerLogLevel.Info, "stdout", $"line {i}"));
        }
        entries.AddRange(tail);
        var store = new InMemoryOplogStore();
        await store.AppendAsync(Worker, 1, [.. entries.Select(e => (ReadOnlyMemory<byte>)OplogCodec.Encode(e))]);
        return (store, entries);
    }
}
