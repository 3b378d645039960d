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
/// <para><b>Integrity.</b> Reads verify each entry's checksum and throw
/// <see cref="OplogCorruptException"/> naming the worker and index of the first bad entry.</para>
/// <para><b>Thread safety.</b> All members may be called concurrently.</para>
/// </remarks>
public interface IOplogStore : IAsyncDisposable
{
    /// <summary>
    /// Appends <paramref name="entries"/> to <paramref name="worker"/>'s oplog, the first at
    /// <paramref name="firstIndex"/>. Completes when they are durable.
    /// </summary>
    /// <exception cref="OplogConflictException">The oplog's last index is not <paramref name="firstIndex"/> − 1.</exception>
    ValueTask AppendAsync(WorkerId worker, long firstIndex, IReadOnlyList<ReadOnlyMemory<byte>> entries, CancellationToken cancellationToken = default);

    /// <summary>Reads entries with indexes in [<paramref name="fromIndex"/>, <paramref name="toIndex"/>], in order.</summary>
    IAsyncEnumerable<StoredEntry> ReadAsync(WorkerId worker, long fromIndex, long toIndex = long.MaxValue, CancellationToken cancellationToken = default);

    /// <summary>The index of the worker's last durable entry, or 0 when it has none.</summary>
    ValueTask<long> GetLastIndexAsync(WorkerId worker, CancellationToken cancellationToken = default);

    /// <summary>Deletes the worker's whole oplog. Completes when the deletion is durable.</summary>
    ValueTask DeleteAsync(WorkerId worker, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the entries from <paramref name="fromIndex"/> on: used only to drop a corrupt tail after
    /// it was reported, so the valid prefix can be used.
    /// </summary>
    ValueTask TruncateAsync(WorkerId worker, long fromIndex, CancellationToken cancellationToken = default);

    /// <summary>Lists the workers of <paramref name="component"/> (all components when null) that have an oplog, ordered by component then name.</summary>
    IAsyncEnumerable<WorkerId> ListWorkersAsync(string? component = null, CancellationToken cancellationToken = default);
}

/// <summary>One stored oplog entry.</summary>
/// <param name="Index">Its index, from 1.</param>
/// <param name="Payload">The encoded entry, checksum already verified.</param>
public readonly record struct StoredEntry(long Index, ReadOnlyMemory<byte> Payload);
