using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;

namespace Clay.Runtime.History;

/// <summary>One update of a worker as its oplog records it.</summary>
/// <param name="TargetVersion">The version it was to move to.</param>
/// <param name="Mode"><c>auto</c> or <c>manual</c>.</param>
/// <param name="Outcome"><c>succeeded</c>, <c>failed</c>, or <c>pending</c> (requested, no outcome yet).</param>
/// <param name="RequestedAt">When it was requested.</param>
/// <param name="FinishedAt">When its outcome was written, if it was.</param>
/// <param name="Detail">Why it failed.</param>
public sealed record WorkerUpdate(long TargetVersion, string Mode, string Outcome, DateTimeOffset RequestedAt, DateTimeOffset? FinishedAt, string? Detail);

/// <summary>Reads a worker's update history from its oplog.</summary>
public static class WorkerUpdates
{
    /// <summary>The first window read from the end of an oplog for its latest snapshot; each window before it is twice as long.</summary>
    internal const int FirstWindow = 64;

    /// <summary>
    /// The worker's updates, oldest first. The oplog is read from its first update entry on: from
    /// <paramref name="updatesFrom"/> when that is known (<see cref="Execution.WorkerInfo.UpdatesFrom"/> of a
    /// worker in memory; 0 reads nothing), else (-1) from where its latest snapshot says they begin (after
    /// the snapshot when none came before it), or whole when no snapshot says. Only the update entries are
    /// decoded (the others' kinds are peeked).
    /// </summary>
    public static async Task<IReadOnlyList<WorkerUpdate>> ReadAsync(IOplogStore store, WorkerId id, long updatesFrom = -1,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var updates = new List<WorkerUpdate>();
        if (updatesFrom == 0) return updates;
        var length = await store.GetLastIndexAsync(id, cancellationToken);
        // Nothing durable yet (a new worker whose first entries are still being committed): no updates either.
        if (length == 0) return updates;
        var from = updatesFrom > 0 ? updatesFrom : await FirstToReadAsync(store, id, length, cancellationToken);
        await foreach (var stored in store.ReadAsync(id, from, length, cancellationToken))
        {
            if (stored.Payload.Length < 2) continue;
            var kind = OplogCodec.PeekKind(stored.Payload.Span);
            if (kind is not (OplogEntryKind.PendingUpdate or OplogEntryKind.SuccessfulUpdate or OplogEntryKind.FailedUpdate)) continue;
            switch (OplogCodec.Decode(stored.Payload.Span))
            {
                case OplogEntry.PendingUpdate pending:
                    updates.Add(new WorkerUpdate(pending.TargetVersion, Hosting.WorkerActivation.ModeName(pending.Mode), "pending", pending.Timestamp, null, null));
                    break;
                case OplogEntry.SuccessfulUpdate done when updates.Count > 0 && updates[^1].Outcome == "pending":
                    updates[^1] = updates[^1] with { Outcome = "succeeded", FinishedAt = done.Timestamp };
                    break;
                case OplogEntry.FailedUpdate failed when updates.Count > 0 && updates[^1].Outcome == "pending":
                    updates[^1] = updates[^1] with { Outcome = "failed", FinishedAt = failed.Timestamp, Detail = failed.Details };
                    break;
            }
        }
        return updates;
    }

    /// <summary>
    /// Where the update history begins, looked up in the latest snapshot, found from the end of the oplog
    /// window by window: the first update it names, or the entry after it when none came before it; the
    /// start when no snapshot says.
    /// </summary>
    private static async Task<long> FirstToReadAsync(IOplogStore store, WorkerId id, long length, CancellationToken cancellationToken)
    {
        var high = length;
        for (long window = FirstWindow; high >= 1; window *= 2)
        {
            var low = Math.Max(1, high - window + 1);
            (long Index, ReadOnlyMemory<byte> Payload)? latest = null;
            await foreach (var stored in store.ReadAsync(id, low, high, cancellationToken))
            {
                if (stored.Payload.Length >= 2 && OplogCodec.PeekKind(stored.Payload.Span) == OplogEntryKind.Snapshot) latest = (stored.Index, stored.Payload);
            }
            if (latest is { } found && OplogCodec.Decode(found.Payload.Span) is OplogEntry.Snapshot snapshot)
            {
                return snapshot.UpdatesFrom switch
                {
                    0 => found.Index + 1,
                    > 0 => snapshot.UpdatesFrom,
                    _ => 1,
                };
            }
            high = low - 1;
        }
        return 1;
    }
}
