using System.Runtime.CompilerServices;
using Clay.Cluster.Hosts;
using Clay.Runtime;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;

namespace Clay.Server.Isolation;

/// <summary>
/// The oplog store as a component host sees it: every call goes to the server's store over the
/// host's channel, so the host never opens the database and its appends join the server's group
/// commit. An append answers only once the server made it durable.
/// </summary>
/// <remarks>
/// An invocation's end is handed over (<see cref="IOplogHandOver"/>): a one-way frame, queued to go in
/// the same write as the invocation's answer behind it, that the server starts appending on its
/// reading thread, in the channel's order, before it reads that answer; the server holds the answer
/// until the append is durable. An invocation thus costs one round trip on the channel, not two.
/// </remarks>
internal sealed class RemoteOplogStore(HostChannel channel, string component) : IOplogStore, IPromiseStore, IOplogHandOver
{
    /// <summary>The name of <paramref name="worker"/>, which is of the host's component: the server reads a call as about one of those.</summary>
    private string Mine(WorkerId worker) => worker.Component == component ? worker.Worker
        : throw new InvalidOperationException($"the component host of {component} has no business with the oplog of {worker}");

    /// <inheritdoc/>
    public async ValueTask<bool> CompleteAsync(WorkerId worker, long promise, ReadOnlyMemory<byte> value, DateTimeOffset wakeAt,
        CancellationToken cancellationToken = default) =>
        (bool)(await channel.CallAsync(new StoreCall(Mine(worker), StoreOperation.CompletePromise, promise,
            wakeAt.ToUnixTimeMilliseconds(), [value.ToArray()]), cancellationToken))!;

    /// <inheritdoc/>
    public async ValueTask<byte[]?> GetAsync(WorkerId worker, long promise, CancellationToken cancellationToken = default) =>
        (byte[]?)await channel.CallAsync(new StoreCall(Mine(worker), StoreOperation.GetPromise, promise), cancellationToken);

    /// <inheritdoc/>
    public async ValueTask AppendAsync(WorkerId worker, long firstIndex, IReadOnlyList<ReadOnlyMemory<byte>> entries, WorkerMark? mark = null,
        CancellationToken cancellationToken = default) =>
        await channel.CallAsync(AppendCall(worker, firstIndex, entries, mark), cancellationToken);

    /// <inheritdoc/>
    public void HandOver(WorkerId worker, long firstIndex, IReadOnlyList<ReadOnlyMemory<byte>> entries, WorkerMark? mark) =>
        channel.NotifyQueued(AppendCall(worker, firstIndex, entries, mark));

    /// <inheritdoc/>
    public void Send() => channel.SendQueued();

    /// <inheritdoc/>
    public async ValueTask SyncAsync(WorkerId worker, CancellationToken cancellationToken = default) =>
        await channel.CallAsync(new StoreCall(Mine(worker), StoreOperation.Sync), cancellationToken);

    private StoreCall AppendCall(WorkerId worker, long firstIndex, IReadOnlyList<ReadOnlyMemory<byte>> entries, WorkerMark? mark)
    {
        var payloads = new byte[entries.Count][];
        for (var i = 0; i < payloads.Length; i++) payloads[i] = Whole(entries[i]);
        var data = mark is null ? null : MarkData.Of(mark);
        return new StoreCall(Mine(worker), StoreOperation.Append, firstIndex, 0, payloads, data);
    }

    /// <summary>
    /// The entry's bytes as an array: its own when it spans one whole (as the oplog writer's encoded
    /// entries do, which nothing changes once encoded), else a copy. The call is serialized into its
    /// frame before the channel's send returns, so the array is not read after.
    /// </summary>
    private static byte[] Whole(ReadOnlyMemory<byte> entry) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(entry, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : entry.ToArray();

    /// <inheritdoc/>
    public async ValueTask<WorkerMark?> GetMarkAsync(WorkerId worker, CancellationToken cancellationToken = default) =>
        await channel.CallAsync(new StoreCall(Mine(worker), StoreOperation.GetMark), cancellationToken) is MarkData m
            ? m.ToMark()
            : null;

    /// <inheritdoc/>
    public IAsyncEnumerable<MarkedWorker> ListMarkedAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("a component host does not list workers; the server does");

    /// <inheritdoc/>
    public async ValueTask WakeAsync(WorkerId worker, DateTimeOffset wakeAt, CancellationToken cancellationToken = default) =>
        await channel.CallAsync(new StoreCall(Mine(worker), StoreOperation.Wake, wakeAt.ToUnixTimeMilliseconds()), cancellationToken);

    /// <inheritdoc/>
    public async IAsyncEnumerable<StoredEntry> ReadAsync(WorkerId worker, long fromIndex, long toIndex = long.MaxValue,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var next = fromIndex;
        while (next <= toIndex)
        {
            // The server answers in chunks; an empty one means the end of the oplog.
            var chunk = (StoredEntries)(await channel.CallAsync(new StoreCall(Mine(worker), StoreOperation.Read, next, toIndex),
                cancellationToken))!;
            if (chunk.Payloads.Length == 0) yield break;
            for (var i = 0; i < chunk.Payloads.Length; i++) yield return new StoredEntry(chunk.First + i, chunk.Payloads[i]);
            next = chunk.First + chunk.Payloads.Length;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<long> GetLastIndexAsync(WorkerId worker, CancellationToken cancellationToken = default) =>
        (long)(await channel.CallAsync(new StoreCall(Mine(worker), StoreOperation.LastIndex), cancellationToken))!;

    /// <inheritdoc/>
    public async ValueTask DeleteAsync(WorkerId worker, CancellationToken cancellationToken = default) =>
        await channel.CallAsync(new StoreCall(Mine(worker), StoreOperation.Delete), cancellationToken);

    /// <inheritdoc/>
    public async ValueTask TruncateAsync(WorkerId worker, long fromIndex, CancellationToken cancellationToken = default) =>
        await channel.CallAsync(new StoreCall(Mine(worker), StoreOperation.Truncate, fromIndex), cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<WorkerId> ListWorkersAsync(string? component = null, string? after = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("a component host does not list workers; the server does");

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
