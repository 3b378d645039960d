using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;

namespace Clay.Runtime.Tests.Execution;

/// <summary>How the oplog writer commits an invocation's end to a store that takes hand-overs, and to one that does not.</summary>
public sealed class OplogWriterHandOverTests
{
    private static readonly WorkerId Worker = new("test:handover", "one");

    [Fact]
    public async Task An_end_handed_over_is_not_durable_until_a_flush_waits_for_it()
    {
        await using var store = new HandOverStore();
        var writer = new OplogWriter(Worker, store, 0, TimeProvider.System);
        writer.AppendEncoded([1]);
        writer.AppendEncoded([2]);

        await writer.HandOverAsync();

        Assert.Equal([(1L, 2)], store.HandedOver);
        Assert.Equal(0, await store.Inner.GetLastIndexAsync(Worker));
        Assert.Equal(0, writer.DurableIndex);
        Assert.Equal(2, writer.LastIndex);
        // It may wait to go with the answer behind it; once that is handed on, what waits is sent, once.
        Assert.Equal(0, store.Sends);
        writer.SendHandedOver();
        writer.SendHandedOver();
        Assert.Equal(1, store.Sends);

        // Nothing new to write, but the flush returns only once what was handed over is durable.
        await writer.FlushAsync();
        Assert.Equal(1, store.Syncs);
        Assert.Equal(2, writer.DurableIndex);
        Assert.Equal(2, await store.Inner.GetLastIndexAsync(Worker));
    }

    [Fact]
    public async Task A_flush_after_a_hand_over_appends_behind_it_and_makes_both_durable()
    {
        await using var store = new HandOverStore();
        var writer = new OplogWriter(Worker, store, 0, TimeProvider.System);
        writer.AppendEncoded([1]);
        await writer.HandOverAsync();
        writer.AppendEncoded([2]);

        await writer.FlushAsync();

        Assert.Equal(0, store.Syncs);
        Assert.Equal(2, writer.DurableIndex);
        Assert.Equal([new byte[] { 1 }, [2]], await ReadAllAsync(store.Inner));
    }

    [Fact]
    public async Task A_hand_over_waits_behind_a_flush_on_its_way()
    {
        await using var store = new HandOverStore();
        var writer = new OplogWriter(Worker, store, 0, TimeProvider.System);
        store.AppendGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        writer.AppendEncoded([1]);
        var flushing = writer.FlushAsync().AsTask();
        writer.AppendEncoded([2]);

        var handing = writer.HandOverAsync().AsTask();

        Assert.False(handing.IsCompleted);
        Assert.Empty(store.HandedOver);
        store.AppendGate.SetResult();
        await flushing;
        await handing;
        Assert.Equal([(2L, 1)], store.HandedOver);
        await writer.FlushAsync();
        Assert.Equal([new byte[] { 1 }, [2]], await ReadAllAsync(store.Inner));
    }

    [Fact]
    public async Task A_hand_over_that_could_not_be_made_durable_fails_the_writer()
    {
        await using var store = new HandOverStore();
        var writer = new OplogWriter(Worker, store, 0, TimeProvider.System);
        writer.AppendEncoded([1]);
        await writer.HandOverAsync();
        store.SyncFailure = new IOException("No space left on device");

        await Assert.ThrowsAsync<IOException>(() => writer.FlushAsync().AsTask());

        var refused = Assert.Throws<ClayException>(() => writer.AppendEncoded([2]));
        Assert.Equal(ErrorCodes.StorageUnavailable, refused.Code);
        Assert.Contains("No space left on device", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task To_a_store_without_hand_overs_the_end_is_made_durable()
    {
        await using var store = new InMemoryOplogStore();
        var writer = new OplogWriter(Worker, store, 0, TimeProvider.System);
        writer.AppendEncoded([1]);

        await writer.HandOverAsync();

        Assert.Equal(1, writer.DurableIndex);
        Assert.Equal(1, await store.GetLastIndexAsync(Worker));
    }

    private static async Task<List<byte[]>> ReadAllAsync(IOplogStore store)
    {
        List<byte[]> entries = [];
        await foreach (var entry in store.ReadAsync(Worker, 1)) entries.Add(entry.Payload.ToArray());
        return entries;
    }

    /// <summary>
    /// A store that takes hand-overs and lands them only when a sync or a later append asks, in order, as
    /// a component host's server would once its commit is durable; its appends can be held.
    /// </summary>
    private sealed class HandOverStore : IOplogStore, IOplogHandOver
    {
        private readonly Queue<(WorkerId Worker, long First, byte[][] Entries, WorkerMark? Mark)> _pending = new();

        public InMemoryOplogStore Inner { get; } = new();
        public List<(long First, int Count)> HandedOver { get; } = [];
        public int Syncs { get; private set; }
        public int Sends { get; private set; }
        public Exception? SyncFailure { get; set; }
        public TaskCompletionSource? AppendGate { get; set; }

        public void HandOver(WorkerId worker, long firstIndex, IReadOnlyList<ReadOnlyMemory<byte>> entries, WorkerMark? mark)
        {
            _pending.Enqueue((worker, firstIndex, [.. entries.Select(e => e.ToArray())], mark));
            HandedOver.Add((firstIndex, entries.Count));
        }

        public void Send() => Sends++;

        public async ValueTask SyncAsync(WorkerId worker, CancellationToken cancellationToken = default)
        {
            Syncs++;
            if (SyncFailure is { } failure) throw failure;
            await LandAsync();
        }

        public async ValueTask AppendAsync(WorkerId worker, long firstIndex, IReadOnlyList<ReadOnlyMemory<byte>> entries, WorkerMark? mark = null,
            CancellationToken cancellationToken = default)
        {
            await LandAsync();
            if (AppendGate is { } gate) await gate.Task;
            await Inner.AppendAsync(worker, firstIndex, entries, mark, cancellationToken);
        }

        private async ValueTask LandAsync()
        {
            while (_pending.TryDequeue(out var handed))
            {
                await Inner.AppendAsync(handed.Worker, handed.First, [.. handed.Entries.Select(e => (ReadOnlyMemory<byte>)e)], handed.Mark);
            }
        }

        public ValueTask<WorkerMark?> GetMarkAsync(WorkerId worker, CancellationToken cancellationToken = default) => Inner.GetMarkAsync(worker, cancellationToken);

        public IAsyncEnumerable<MarkedWorker> ListMarkedAsync(CancellationToken cancellationToken = default) => Inner.ListMarkedAsync(cancellationToken);

        public ValueTask WakeAsync(WorkerId worker, DateTimeOffset wakeAt, CancellationToken cancellationToken = default) =>
            Inner.WakeAsync(worker, wakeAt, cancellationToken);

        public IAsyncEnumerable<StoredEntry> ReadAsync(WorkerId worker, long fromIndex, long toIndex = long.MaxValue,
            CancellationToken cancellationToken = default) => Inner.ReadAsync(worker, fromIndex, toIndex, cancellationToken);

        public ValueTask<long> GetLastIndexAsync(WorkerId worker, CancellationToken cancellationToken = default) => Inner.GetLastIndexAsync(worker, cancellationToken);

        public ValueTask DeleteAsync(WorkerId worker, CancellationToken cancellationToken = default) => Inner.DeleteAsync(worker, cancellationToken);

        public ValueTask TruncateAsync(WorkerId worker, long fromIndex, CancellationToken cancellationToken = default) =>
            Inner.TruncateAsync(worker, fromIndex, cancellationToken);

        public IAsyncEnumerable<WorkerId> ListWorkersAsync(string? component = null, string? after = null, CancellationToken cancellationToken = default) =>
            Inner.ListWorkersAsync(component, after, cancellationToken);

        public ValueTask DisposeAsync() => Inner.DisposeAsync();
    }
}
