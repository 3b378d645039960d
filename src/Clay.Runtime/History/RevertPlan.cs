using Clay.Runtime.Errors;
using Clay.Runtime.Oplog;
using Clay.Runtime.Storage;

namespace Clay.Runtime.History;

/// <summary>
/// A revert worked out against a worker's durable oplog: the last entry kept, the region skipped, and
/// the mark the worker has once the region is skipped. Building it checks the request; writing it
/// appends one <c>jump</c> entry — and a <c>cancel-pending-invocation</c> for each undone invocation that
/// had been queued before the target, so it is not queued again — with that mark, in one transaction.
/// </summary>
internal sealed record RevertPlan(long KeptThrough, long LastIndex, WorkerMark Mark, int InvocationsUndone)
{
    /// <summary>Works out the revert of <paramref name="worker"/> to <paramref name="target"/> from its durable oplog.</summary>
    /// <exception cref="ClayException"><c>oplog-index-out-of-range</c>, <c>invocation-count-out-of-range</c>, <c>revert-inside-invocation</c>.</exception>
    public static async Task<RevertPlan> MakeAsync(IOplogStore store, WorkerId worker, RevertTarget target, CancellationToken cancellationToken)
    {
        var last = await store.GetLastIndexAsync(worker, cancellationToken);
        if (last == 0) throw new Execution.WorkerNotFoundException(worker);
        var all = (await HistoryReader.ReadAsync(store, worker, last, cancellationToken)).Select(e => (e.Index, e.Entry)).ToList();
        var effective = OplogJumps.Apply(all);
        var invocations = effective.Where(e => e.Entry is OplogEntry.ExportedFunctionInvoked).ToList();
        long kept;
        if (target.LastOplogIndex is { } index)
        {
            if (index < 1 || index >= last)
            {
                throw new ClayException(ErrorCodes.OplogIndexOutOfRange, last == 1
                    ? $"worker {worker} has only its create entry (index 1): there is nothing to revert"
                    : $"--last-oplog-index {index} is out of range: worker {worker} has entries 1 to {last}, so a revert keeps 1 to {last - 1} of them");
            }
            kept = index;
        }
        else
        {
            var count = target.NumberOfInvocations ?? 0;
            if (count < 1 || count > invocations.Count)
            {
                throw new ClayException(ErrorCodes.InvocationCountOutOfRange, invocations.Count == 0
                    ? $"--number-of-invocations {count}: worker {worker} has no invocation in its history to revert"
                    : $"--number-of-invocations {count} is out of range: worker {worker} has {invocations.Count} invocation(s) in its history, so 1 to {invocations.Count} can be reverted");
            }
            kept = invocations[^count].Index - 1;
        }

        var history = OplogJumps.Apply(all.Where(e => e.Index <= kept).ToList());
        if (HistoryMark.OpenInvocation(history) is { } open)
        {
            var end = all.FirstOrDefault(e => e.Index > kept && e.Entry is OplogEntry.ExportedFunctionCompleted or OplogEntry.ExportedFunctionFailed);
            var keep = end.Entry is null ? "" : $", or to {end.Index} to keep it";
            throw new ClayException(ErrorCodes.RevertInsideInvocation,
                $"index {kept} is inside the invocation of {open.Invoked.FunctionName} (idempotency key {open.Invoked.IdempotencyKey}) that starts at {open.Index}: " +
                $"a revert keeps whole invocations; revert to {open.Index - 1} to undo it{keep}");
        }
        var undone = invocations.Where(e => e.Index > kept).Select(e => ((OplogEntry.ExportedFunctionInvoked)e.Entry).IdempotencyKey).ToHashSet(StringComparer.Ordinal);
        // An invocation queued (or scheduled) before the target that started after it is undone, not queued again.
        var cancelled = StillWaiting(history).Where(undone.Contains).ToList();
        var now = DateTimeOffset.UnixEpoch;
        var mark = HistoryMark.Of([.. history, .. cancelled.Select(key => (last + 2L, (OplogEntry)new OplogEntry.CancelPendingInvocation(now, key)))]);
        return new RevertPlan(kept, last, mark, undone.Count) { Cancelled = cancelled };
    }

    /// <summary>The idempotency keys of the undone invocations that were queued or scheduled before the target: cancelled with the jump.</summary>
    public IReadOnlyList<string> Cancelled { get; private init; } = [];

    /// <summary>The keys of the invocations queued or scheduled in <paramref name="history"/> that had not started or been cancelled there.</summary>
    private static IEnumerable<string> StillWaiting(List<(long Index, OplogEntry Entry)> history)
    {
        var started = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, entry) in history)
        {
            if (entry is OplogEntry.ExportedFunctionInvoked invoked) started.Add(invoked.IdempotencyKey);
            else if (entry is OplogEntry.CancelPendingInvocation cancel) started.Add(cancel.IdempotencyKey);
        }
        foreach (var (_, entry) in history)
        {
            var key = entry switch
            {
                OplogEntry.PendingWorkerInvocation pending => pending.IdempotencyKey,
                OplogEntry.ScheduledInvocation scheduled => scheduled.IdempotencyKey,
                _ => null,
            };
            if (key is not null && started.Add(key)) yield return key;
        }
    }

    /// <summary>Appends the jump over the reverted region, with the worker's new mark, in one durable write.</summary>
    /// <exception cref="OplogConflictException">The oplog grew since the plan was made: nothing was written.</exception>
    public async Task WriteAsync(IOplogStore store, WorkerId worker, DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<ReadOnlyMemory<byte>> entries = [Oplog.Codec.OplogCodec.Encode(new OplogEntry.Jump(now, KeptThrough + 1, LastIndex))];
        entries.AddRange(Cancelled.Select(key => (ReadOnlyMemory<byte>)Oplog.Codec.OplogCodec.Encode(new OplogEntry.CancelPendingInvocation(now, key))));
        await store.AppendAsync(worker, LastIndex + 1, entries, Mark, cancellationToken);
    }
}
