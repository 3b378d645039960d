using Clay.Runtime.Execution;
using Clay.Runtime.Oplog.Display;

namespace Clay.Runtime.Hosting;

/// <summary>
/// The door to one worker, wherever its code runs: in this process (<see cref="WorkerActivation"/>)
/// or in an isolated component host that the server supervises. The server's grain holds one and
/// does not know which.
/// </summary>
public interface IWorkerDoor : IAsyncDisposable
{
    /// <summary>The worker.</summary>
    WorkerId Id { get; }

    /// <summary>Creates the worker explicitly; fails with <c>worker-already-exists</c> when it exists.</summary>
    Task<WorkerInfo> CreateAsync(WorkerCreation creation, CancellationToken cancellationToken = default);

    /// <summary>Invokes a function and waits for its result, creating the worker on first use.</summary>
    Task<InvocationResult> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Queues an invocation durably and returns its idempotency key without waiting for its result.</summary>
    Task<string> EnqueueAsync(InvocationRequest request, CancellationToken cancellationToken = default);

    /// <summary>The worker's metadata; fails with <c>worker-not-found</c>.</summary>
    Task<WorkerInfo> GetInfoAsync(CancellationToken cancellationToken = default);

    /// <summary>A page of the worker's durable oplog matching <paramref name="query"/>.</summary>
    Task<OplogPage> ReadOplogAsync(long from, int count, string? query, CancellationToken cancellationToken = default);

    /// <summary>True when the worker exists.</summary>
    Task<bool> ExistsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Drops the worker from memory if it is idle; nothing is saved. True when it was dropped, false
    /// when it is busy, null when it was not in memory.
    /// </summary>
    Task<bool?> TryEvictAsync();

    /// <summary>
    /// True when the worker's code runs elsewhere, that place has dropped the worker from memory after it
    /// had received <paramref name="callsSeen"/> of this door's calls, and the door has sent none since:
    /// nothing is left to keep the door for. A door to a worker in this process never says so.
    /// </summary>
    bool LeftMemorySince(long callsSeen) => false;

    /// <summary>
    /// True while the worker has work in memory that closing it would have to wait for: an invocation
    /// that runs (or waits without having written its wait down), an invocation queued behind it that is
    /// not durable, or a request still being accepted. A worker out of memory, idle, or waiting durably
    /// (a long sleep, a promise, a retry's delay) is not busy: it may leave memory and is woken again.
    /// </summary>
    Task<bool> IsBusyAsync(CancellationToken cancellationToken = default);

    /// <summary>Stops the worker and deletes its oplog; fails with <c>worker-not-found</c>.</summary>
    Task DeleteAsync(CancellationToken cancellationToken = default);

    /// <summary>Brings the worker into memory so that its pending work goes on; fails with <c>worker-not-found</c>.</summary>
    Task WakeAsync(CancellationToken cancellationToken = default);

    /// <summary>Completes the worker's promise once; fails with <c>promise-not-found</c> or <c>promise-already-completed</c>.</summary>
    Task CompletePromiseAsync(long promise, string value, CancellationToken cancellationToken = default);

    /// <summary>The invocations the worker has scheduled and not yet started, earliest first.</summary>
    Task<IReadOnlyList<ScheduledInvocation>> GetSchedulesAsync(CancellationToken cancellationToken = default);

    /// <summary>Cancels a queued or scheduled invocation before it starts.</summary>
    Task CancelInvocationAsync(string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Resumes a failed or interrupted worker; fails with <c>worker-not-resumable</c> when it is neither.</summary>
    Task<WorkerInfo> ResumeAsync(CancellationToken cancellationToken = default);

    /// <summary>Interrupts the running invocation at its next effect or wait; with <paramref name="recoverImmediately"/> a simulated crash.</summary>
    Task<WorkerInfo> InterruptAsync(bool recoverImmediately, CancellationToken cancellationToken = default);

    /// <summary>Reverts the worker's history to <paramref name="target"/> (a <c>jump</c> entry; the skipped entries stay for inspection).</summary>
    Task<WorkerInfo> RevertAsync(History.RevertTarget target, CancellationToken cancellationToken = default);

    /// <summary>
    /// Updates the worker to <paramref name="targetVersion"/> of its component; fails with <c>update-version-not-found</c>,
    /// <c>update-same-version</c>, <c>worker-not-found</c> or <c>update-failed</c> (the worker then stays on its version).
    /// </summary>
    Task<WorkerInfo> UpdateAsync(long targetVersion, Oplog.UpdateMode mode, CancellationToken cancellationToken = default);

    /// <summary>Creates this worker as a fork of <paramref name="source"/> up to <paramref name="oplogIndex"/>.</summary>
    Task<WorkerInfo> ForkFromAsync(WorkerId source, long oplogIndex, CancellationToken cancellationToken = default);

    /// <summary>A page of the worker's whole oplog with each entry's encoded bytes, for an export.</summary>
    Task<OplogPage> ExportOplogAsync(long from, int count, CancellationToken cancellationToken = default);
}
