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
    /// <summary>
    /// The worker's updates, oldest first. The oplog is read through, but only the update entries are
    /// decoded (the others' kinds are peeked).
    /// </summary>
    public static async Task<IReadOnlyList<WorkerUpdate>> ReadAsync(IOplogStore store, WorkerId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var updates = new List<WorkerUpdate>();
        await foreach (var stored in store.ReadAsync(id, 1, long.MaxValue, cancellationToken))
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
}
