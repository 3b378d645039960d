using Clay.Runtime.Execution;

namespace Clay.Runtime.Storage;

/// <summary>
/// What the store keeps about a worker beside its oplog, so the worker can be found without reading
/// oplogs: its status when it is not in memory, whether it has work to continue (an invocation in
/// flight, queued invocations, a retry), and when it wants to be woken (a durable sleep, a scheduled
/// invocation, a completed promise). Written in the same transaction as the oplog entries it
/// describes, so the two never disagree after a crash.
/// </summary>
/// <param name="Status">The worker's status as of the entries written with the mark.</param>
/// <param name="HasPendingWork">An invocation is in flight or queued: start-up recovery continues the worker at once.</param>
/// <param name="WakeAt">When the worker must be woken, if it waits for time.</param>
/// <param name="LastError">The worker's last error, shown while it is not in memory.</param>
/// <param name="ComponentVersion">The component version the worker runs when an update moved it off the version
/// its create entry names (null: that one), so listings show it without reading the oplog.</param>
public sealed record WorkerMark(WorkerStatus Status, bool HasPendingWork = false, DateTimeOffset? WakeAt = null, string? LastError = null,
    long? ComponentVersion = null)
{
    /// <summary>A worker with nothing to continue and nothing to show: stores keep no mark for it.</summary>
    public static WorkerMark Idle { get; } = new(WorkerStatus.Idle);

    /// <summary>True when the mark says nothing beyond "idle" and need not be stored.</summary>
    public bool IsIdle => Status == WorkerStatus.Idle && !HasPendingWork && WakeAt is null && LastError is null && ComponentVersion is null;

    /// <summary>True when the worker is in another status than plain Idle (what a listing filtered on a rare status looks for).</summary>
    public bool ShowsNotIdle => Status != WorkerStatus.Idle || HasPendingWork || WakeAt is not null || LastError is not null;

    /// <summary>This mark with <paramref name="version"/> as the version the worker runs, or none when it is <paramref name="created"/>.</summary>
    public WorkerMark RunningVersion(long version, long created)
    {
        long? runs = version == created ? null : version;
        return runs == ComponentVersion ? this : this with { ComponentVersion = runs };
    }
}

/// <summary>A worker and its mark.</summary>
/// <param name="Worker">The worker.</param>
/// <param name="Mark">Its mark.</param>
public sealed record MarkedWorker(WorkerId Worker, WorkerMark Mark);
