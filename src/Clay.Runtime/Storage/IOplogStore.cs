namespace Clay.Runtime.Storage;

/// <summary>
/// Durable, append-only storage of worker oplogs. Entries are opaque, already-encoded byte strings
/// (see <c>OplogCodec</c>); the store adds and checks a checksum per entry.
/// </summary>
/// <remarks>
/// <para><b>Indexes.</b> A worker's entries are numbered from 1 without gaps.</para>
/// <para><b>Ownership and fencing.</b> Exactly one executor should write a worker's oplog at a time
/// (Orleans' single activation gives that). The store does not trust it: an append names the index of
/// its first entry, and if that is not the current last index + 1 the append fails with
/// <see cref="OplogConflictException"/> and writes nothing, so a stale or duplicate writer can never
/// fork the history.</para>
/// <para><b>Durability.</b> When the task returned by <see cref="AppendAsync"/> completes successfully,
/// the entries are durable (fsynced). Appends from many workers may be committed together in one
/// transaction (group commit); each caller's task completes only once its own entries are durable.
/// When it fails, none of that append's entries are stored.</para>
/// <para><b>Order.</b> <see cref="AppendAsync"/> queues its write before it returns its task: appends
/// called one after another are written in that order, so a caller may call the next before the one
/// before it is durable (a component host's hand-overs rely on it, see <see cref="IOplogHandOver"/>).</para>
/// <para><b>Integrity.</b> Reads verify each entry's checksum and throw
/// <see cref="OplogCorruptException"/> naming the worker and index of the first bad entry.</para>
/// <para><b>Marks.</b> Beside each oplog the store keeps the worker's <see cref="WorkerMark"/> (status,
/// pending work, wake-up time), written with an append in the same transaction, so recovery and timers
/// find the workers that need them without reading any oplog.</para>
/// <para><b>Thread safety.</b> All members may be called concurrently.</para>
/// </remarks>
public interface IOplogStore : IAsyncDisposable
{
    /// <summary>
    /// Appends <paramref name="entries"/> to <paramref name="worker"/>'s oplog, the first at
    /// <paramref name="firstIndex"/>. Completes when they are durable.
    /// </summary>
    /// <param name="worker">The worker.</param>
    /// <param name="firstIndex">The index of the first entry: the oplog's last index + 1.</param>
    /// <param name="entries">The encoded entries; none changes only the mark (of a worker that has an oplog).</param>
    /// <param name="mark">
    /// The worker's mark as of these entries, stored in the same transaction; null leaves the stored
    /// mark as it is, <see cref="WorkerMark.Idle"/> removes it.
    /// </param>
    /// <param name="cancellationToken">Cancels waiting; the append may still be made durable.</param>
    /// <exception cref="OplogConflictException">The oplog's last index is not <paramref name="firstIndex"/> − 1; nothing is written, the mark neither.</exception>
    ValueTask AppendAsync(WorkerId worker, long firstIndex, IReadOnlyList<ReadOnlyMemory<byte>> entries, WorkerMark? mark = null,
        CancellationToken cancellationToken = default);

    /// <summary>The worker's stored mark, or null when it has none (idle, or no such worker).</summary>
    ValueTask<WorkerMark?> GetMarkAsync(WorkerId worker, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every worker whose mark needs attention: pending work or a wake-up time. Start-up recovery reads
    /// it instead of scanning oplogs, so its cost follows the workers that have work, not all workers.
    /// </summary>
    IAsyncEnumerable<MarkedWorker> ListMarkedAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The workers of <paramref name="component"/> whose mark shows more than plain idle — any status but
    /// Idle, pending work, a wake-up or an error (<see cref="WorkerMark.ShowsNotIdle"/>; a mark that only
    /// names the version an update moved the worker to is left out) — in name order (ordinal) after <paramref name="after"/>. A listing
    /// filtered on a status other than Idle reads it instead of every worker, so finding the few failed
    /// workers among a million costs about as many reads as there are marks. The default asks each
    /// worker's mark in turn; a store that can list marks by component should.
    /// </summary>
    async IAsyncEnumerable<MarkedWorker> ListMarkedWorkersAsync(string component, string? after = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var worker in ListWorkersAsync(component, after, cancellationToken).ConfigureAwait(false))
        {
            if (await GetMarkAsync(worker, cancellationToken).ConfigureAwait(false) is { ShowsNotIdle: true } mark) yield return new MarkedWorker(worker, mark);
        }
    }

    /// <summary>
    /// Sets the wake-up time of <paramref name="worker"/>'s mark to <paramref name="wakeAt"/> when it has
    /// none or a later one, creating a mark when there is none. Completes when durable. Used when the
    /// outside world gives a waiting worker something to continue with (a completed promise).
    /// </summary>
    ValueTask WakeAsync(WorkerId worker, DateTimeOffset wakeAt, CancellationToken cancellationToken = default);

    /// <summary>Reads entries with indexes in [<paramref name="fromIndex"/>, <paramref name="toIndex"/>], in order.</summary>
    IAsyncEnumerable<StoredEntry> ReadAsync(WorkerId worker, long fromIndex, long toIndex = long.MaxValue, CancellationToken cancellationToken = default);

    /// <summary>The index of the worker's last durable entry, or 0 when it has none.</summary>
    ValueTask<long> GetLastIndexAsync(WorkerId worker, CancellationToken cancellationToken = default);

    /// <summary>
    /// The worker has left memory: what the store keeps in memory about it may go, to be read again
    /// when the worker is next used. Nothing durable changes, and writes still under way are not lost.
    /// </summary>
    void Forget(WorkerId worker)
    {
    }

    /// <summary>Deletes the worker's whole oplog and its mark. Completes when the deletion is durable.</summary>
    ValueTask DeleteAsync(WorkerId worker, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the entries from <paramref name="fromIndex"/> on: used only to drop a corrupt tail after
    /// it was reported, so the valid prefix can be used.
    /// </summary>
    ValueTask TruncateAsync(WorkerId worker, long fromIndex, CancellationToken cancellationToken = default);

    /// <summary>Lists the workers of <paramref name="component"/> (all components when null) that have an oplog, ordered by component then name.</summary>
    /// <param name="component">The component, or null for all.</param>
    /// <param name="after">
    /// Starts after this worker name (ordinal order) within <paramref name="component"/>, which it
    /// requires: a page that continues a listing seeks to its place instead of reading what came before.
    /// </param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    IAsyncEnumerable<WorkerId> ListWorkersAsync(string? component = null, string? after = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// How many workers with an oplog each component has. The default counts what
    /// <see cref="ListWorkersAsync"/> yields; a store that can count without listing should.
    /// </summary>
    async ValueTask<IReadOnlyDictionary<string, long>> CountWorkersAsync(CancellationToken cancellationToken = default)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var worker in ListWorkersAsync(null, null, cancellationToken).ConfigureAwait(false))
        {
            counts[worker.Component] = counts.GetValueOrDefault(worker.Component) + 1;
        }
        return counts;
    }
}

/// <summary>One stored oplog entry.</summary>
/// <param name="Index">Its index, from 1.</param>
/// <param name="Payload">The encoded entry, checksum already verified.</param>
public readonly record struct StoredEntry(long Index, ReadOnlyMemory<byte> Payload);
