using Clay.Runtime.Execution;
using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;

namespace Clay.Runtime.Workers;

/// <summary>
/// What is known of a worker that is not in memory, read from its oplog without loading it: the
/// create entry says how it was made, <c>grow-memory</c> entries how its memory grew.
/// </summary>
public static class WorkerRecords
{
    /// <summary>The worker's metadata from its oplog.</summary>
    /// <param name="store">The oplog store.</param>
    /// <param name="worker">The worker.</param>
    /// <param name="lastKnown">The status and error it left memory with, if it failed there.</param>
    /// <param name="withMemory">False to read only the create entry (listing), true to read the memory figures too.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="WorkerNotFoundException">It has no oplog.</exception>
    public static async Task<WorkerInfo> ReadAsync(IOplogStore store, WorkerId worker, (WorkerStatus Status, string? Error)? lastKnown,
        bool withMemory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var length = await store.GetLastIndexAsync(worker, cancellationToken);
        if (length == 0) throw new WorkerNotFoundException(worker);
        OplogEntry.Create? create = null;
        long memoryAtStartup = 0, memoryNow = 0;
        long? updatedTo = null;
        await foreach (var stored in store.ReadAsync(worker, 1, withMemory ? long.MaxValue : 1, cancellationToken))
        {
            if (stored.Index == 1)
            {
                create = RecoveryWindow.Decode(worker, stored) as OplogEntry.Create;
                continue;
            }
            var kind = OplogCodec.PeekKind(stored.Payload.Span);
            if (kind == OplogEntryKind.GrowMemory && RecoveryWindow.Decode(worker, stored) is OplogEntry.GrowMemory grow)
            {
                if (memoryAtStartup == 0) memoryAtStartup = grow.Total;
                memoryNow = grow.Total;
            }
            else if (kind == OplogEntryKind.SuccessfulUpdate && RecoveryWindow.Decode(worker, stored) is OplogEntry.SuccessfulUpdate updated)
            {
                updatedTo = updated.TargetVersion;
            }
        }
        if (create is null) throw new OplogCorruptException(worker, 1, "the first entry is not a create entry");
        // Left memory in this process: as it left. Else as its stored mark says (failed, suspended,
        // retrying…, also after a restart), or idle.
        var mark = await store.GetMarkAsync(worker, cancellationToken);
        var (status, error) = lastKnown ?? (mark is not null ? (mark.Status, mark.LastError) : (WorkerStatus.Idle, null));
        // The version an update moved it to is in its mark (written with the update's outcome, and by a
        // revert that goes back past it); for a worker updated by an older server that wrote no version
        // there, the last successful update read when the whole oplog was.
        return new WorkerInfo(worker, mark?.ComponentVersion ?? updatedTo ?? create.ComponentVersion, create.ComponentSize, status, create.Timestamp, create.Arguments.ToArray(),
            create.Environment.ToArray(), 0, 0, error, length, memoryAtStartup, memoryNow, Resident: false);
    }
}
