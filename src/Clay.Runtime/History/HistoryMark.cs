using Clay.Runtime.Execution;
using Clay.Runtime.Oplog;
using Clay.Runtime.Storage;

namespace Clay.Runtime.History;

/// <summary>
/// The mark a worker's store row must carry for a history written without its executor (a revert's
/// jump, a fork's copied entries), so that start-up recovery and listings see the worker as that history
/// leaves it: interrupted, failed, with an invocation to continue or queued ones to run, or waiting for a
/// scheduled one.
/// </summary>
internal static class HistoryMark
{
    /// <summary>The mark of the worker whose replayed history is <paramref name="effective"/> (jumps applied).</summary>
    public static WorkerMark Of(IReadOnlyList<(long Index, OplogEntry Entry)> effective)
    {
        // The version it runs: its create entry's, or that of the last update the history keeps.
        long created = 0, runs = 0;
        foreach (var (_, entry) in effective)
        {
            if (entry is OplogEntry.Create create) created = runs = create.ComponentVersion;
            else if (entry is OplogEntry.SuccessfulUpdate updated) runs = updated.TargetVersion;
        }
        return StatusOf(effective).RunningVersion(runs, created);
    }

    /// <summary>The status part of the mark: interrupted, failed, running, queued or waiting for time.</summary>
    private static WorkerMark StatusOf(IReadOnlyList<(long Index, OplogEntry Entry)> effective)
    {
        var started = new HashSet<string>(StringComparer.Ordinal);
        var interrupted = false;
        string? exhausted = null;
        OplogEntry.ExportedFunctionInvoked? open = null;
        foreach (var (_, entry) in effective)
        {
            switch (entry)
            {
                case OplogEntry.ExportedFunctionInvoked invoked:
                    started.Add(invoked.IdempotencyKey);
                    open = invoked;
                    exhausted = null;
                    break;
                case OplogEntry.ExportedFunctionCompleted or OplogEntry.ExportedFunctionFailed:
                    open = null;
                    break;
                case OplogEntry.CancelPendingInvocation cancel:
                    started.Add(cancel.IdempotencyKey);
                    break;
                case OplogEntry.Interrupted:
                    interrupted = true;
                    break;
                case OplogEntry.Restart:
                    interrupted = false;
                    exhausted = null;
                    break;
                case OplogEntry.Error { ErrorCode: WorkerExecutor.ExhaustedErrorCode } error when open is not null:
                    exhausted = error.Message;
                    break;
            }
        }
        if (interrupted) return new WorkerMark(WorkerStatus.Interrupted);
        if (exhausted is not null) return new WorkerMark(WorkerStatus.Failed, LastError: exhausted);

        var queued = effective.Any(e => e.Entry is OplogEntry.PendingWorkerInvocation p && !started.Contains(p.IdempotencyKey));
        DateTimeOffset? wakeAt = null;
        foreach (var (_, entry) in effective)
        {
            if (entry is OplogEntry.ScheduledInvocation s && !started.Contains(s.IdempotencyKey) && (wakeAt is null || s.DueAt < wakeAt)) wakeAt = s.DueAt;
        }
        if (open is not null) return new WorkerMark(WorkerStatus.Running, HasPendingWork: true, WakeAt: wakeAt);
        if (!queued && wakeAt is null) return WorkerMark.Idle;
        return new WorkerMark(WorkerStatus.Idle, queued, wakeAt);
    }

    /// <summary>The invocation that started and did not end in <paramref name="effective"/>, with its index, if any.</summary>
    public static (long Index, OplogEntry.ExportedFunctionInvoked Invoked)? OpenInvocation(IReadOnlyList<(long Index, OplogEntry Entry)> effective)
    {
        for (var i = effective.Count - 1; i >= 0; i--)
        {
            switch (effective[i].Entry)
            {
                case OplogEntry.ExportedFunctionCompleted or OplogEntry.ExportedFunctionFailed:
                    return null;
                case OplogEntry.ExportedFunctionInvoked invoked:
                    return (effective[i].Index, invoked);
            }
        }
        return null;
    }
}
