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
        await foreach (var stored in store.ReadAsync(worker, 1, 1, cancellationToken)) create = RecoveryWindow.Decode(worker, stored) as OplogEntry.Create;
        var memory = withMemory && create is not null ? await ReadMemoryAsync(store, worker, length, cancellationToken) : default;
        if (create is null) throw new OplogCorruptException(worker, 1, "the first entry is not a create entry");
        // Left memory in this process: as it left. Else as its stored mark says (failed, suspended,
        // retrying…, also after a restart), or idle.
        var mark = await store.GetMarkAsync(worker, cancellationToken);
        var (status, error) = lastKnown ?? (mark is not null ? (mark.Status, mark.LastError) : (WorkerStatus.Idle, null));
        // The version an update moved it to is in its mark (written with the update's outcome, and by a
        // revert that goes back past it); for a worker updated by an older server that wrote no version
        // there, the last successful update found after its last grow-memory entry.
        return new WorkerInfo(worker, mark?.ComponentVersion ?? memory.UpdatedTo ?? create.ComponentVersion, create.ComponentSize, status, create.Timestamp,
            create.Arguments.ToArray(), create.Environment.ToArray(), 0, 0, error, length, memory.AtStartup, memory.Now, Resident: false);
    }

    /// <summary>The first window read from the end of an oplog for its last <c>grow-memory</c> entry; each window before it is twice as long.</summary>
    internal const int FirstWindow = 64;

    /// <summary>
    /// The worker's memory figures: the first <c>grow-memory</c> entry (its memory at start-up; the first
    /// invocation records one) and the last (its memory now), or the latest snapshot when it is later (a
    /// snapshot carries the memory last recorded, and the version it runs). Each is looked for from its
    /// end of the oplog, so a long history is not read whole. The last successful update on the way back
    /// (the version of a worker whose mark names none, updated by an older server) is kept too.
    /// </summary>
    private static async Task<(long AtStartup, long Now, long? UpdatedTo)> ReadMemoryAsync(IOplogStore store, WorkerId worker, long length,
        CancellationToken cancellationToken)
    {
        long now = 0;
        long? updatedTo = null;
        var low = length + 1;
        for (var window = (long)FirstWindow; low > 2 && now == 0; window *= 2)
        {
            var high = low - 1;
            low = Math.Max(2, high - window + 1);
            // Within a window the later entry wins, being read last; across windows, the later window.
            long? windowUpdatedTo = null;
            await foreach (var stored in store.ReadAsync(worker, low, high, cancellationToken))
            {
                switch (Decode(worker, stored, OplogEntryKind.GrowMemory, OplogEntryKind.SuccessfulUpdate, OplogEntryKind.Snapshot))
                {
                    case OplogEntry.GrowMemory grow: now = grow.Total; break;
                    case OplogEntry.SuccessfulUpdate updated: windowUpdatedTo = updated.TargetVersion; break;
                    // A snapshot says what the entries before it recorded: the search ends there.
                    case OplogEntry.Snapshot { RecordedMemory: > 0 } snapshot:
                        now = snapshot.RecordedMemory;
                        windowUpdatedTo = snapshot.ComponentVersion >= 0 ? snapshot.ComponentVersion : null;
                        break;
                }
            }
            updatedTo ??= windowUpdatedTo;
        }
        if (now == 0) return (0, 0, updatedTo);
        for (long from = 2, window = FirstWindow; from <= length; from += window, window *= 2)
        {
            await foreach (var stored in store.ReadAsync(worker, from, Math.Min(length, from + window - 1), cancellationToken))
            {
                if (Decode(worker, stored, OplogEntryKind.GrowMemory, OplogEntryKind.GrowMemory) is OplogEntry.GrowMemory first) return (first.Total, now, updatedTo);
            }
        }
        return (0, now, updatedTo);
    }

    /// <summary>The entry when it is of kind <paramref name="a"/>, <paramref name="b"/> or <paramref name="c"/>, else null (without decoding it).</summary>
    private static OplogEntry? Decode(WorkerId worker, StoredEntry stored, OplogEntryKind a, OplogEntryKind b, OplogEntryKind? c = null)
    {
        var kind = OplogCodec.PeekKind(stored.Payload.Span);
        return kind == a || kind == b || kind == c ? RecoveryWindow.Decode(worker, stored) : null;
    }

    /// <summary>How many entries, back from the end of an oplog, <see cref="AcceptedAsync"/> looks through.</summary>
    public const int AcceptedWindow = 1024;

    /// <summary>
    /// Whether the worker's oplog durably holds an invocation under <paramref name="idempotencyKey"/>
    /// (queued, scheduled or started) among its last <see cref="AcceptedWindow"/> entries. A door whose
    /// call was cut short asks this to learn whether what it sent was accepted before the cut.
    /// </summary>
    /// <param name="store">The oplog store.</param>
    /// <param name="worker">The worker.</param>
    /// <param name="idempotencyKey">The invocation's key.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static async Task<bool> AcceptedAsync(IOplogStore store, WorkerId worker, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        var last = await store.GetLastIndexAsync(worker, cancellationToken);
        await foreach (var stored in store.ReadAsync(worker, Math.Max(1, last - AcceptedWindow + 1), last, cancellationToken))
        {
            var key = Decode(worker, stored, OplogEntryKind.PendingWorkerInvocation, OplogEntryKind.ExportedFunctionInvoked, OplogEntryKind.ScheduledInvocation) switch
            {
                OplogEntry.PendingWorkerInvocation p => p.IdempotencyKey,
                OplogEntry.ExportedFunctionInvoked i => i.IdempotencyKey,
                OplogEntry.ScheduledInvocation s => s.IdempotencyKey,
                _ => null,
            };
            if (string.Equals(key, idempotencyKey, StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
