using Clay.Runtime.Execution;
using Clay.Runtime.Oplog.Display;
using Orleans.Concurrency;

namespace Clay.Cluster.Workers;

/// <summary>
/// One Clay worker as an Orleans grain, keyed <c>component/worker</c>: the only door to it.
/// Orleans guarantees a single activation; the oplog store's fencing backs that up. Failures are
/// thrown as <c>ClayException</c>s carrying their stable codes. Calls are short: a long invocation
/// returns <see cref="InvocationState.Running"/> after <see cref="InvokeRequest.MaxWait"/> and the
/// caller asks again with the same idempotency key.
/// </summary>
public interface IWorkerGrain : IGrainWithStringKey
{
    /// <summary>Creates the worker; fails with <c>worker-already-exists</c> if it exists.</summary>
    Task<WorkerInfo> CreateAsync(WorkerCreation creation);

    /// <summary>Invokes or enqueues a function, creating the worker on first use.</summary>
    Task<InvokeReply> InvokeAsync(InvokeRequest request);

    /// <summary>The worker's metadata; fails with <c>worker-not-found</c>.</summary>
    Task<WorkerInfo> GetAsync();

    /// <summary>
    /// What <c>clay worker get</c> shows, in one call: the worker's metadata (<see cref="GetAsync"/>) and its
    /// updates as its durable oplog records them, oldest first. A worker in memory knows where its update
    /// history begins, so one never updated reads nothing of its oplog for it.
    /// </summary>
    /// <exception cref="WorkerNotFoundException">It does not exist.</exception>
    Task<WorkerDetails> GetDetailsAsync();

    /// <summary>
    /// The durable log lines among up to <paramref name="count"/> oplog entries after <paramref name="after"/>;
    /// none for a worker not created yet (a log stream may watch it before it exists).
    /// </summary>
    Task<Clay.Runtime.History.WorkerLogPage> ReadLogsAsync(long after, int count);

    /// <summary>A page of the worker's oplog matching <paramref name="query"/>.</summary>
    Task<OplogPage> ReadOplogAsync(long from, int count, string? query);

    /// <summary>A page of the whole oplog with each entry's encoded bytes, for an export.</summary>
    Task<OplogPage> ExportOplogAsync(long from, int count);

    /// <summary>Drops the worker from memory if it is idle; nothing is saved. False when it is busy.</summary>
    /// <exception cref="Clay.Runtime.Execution.WorkerNotFoundException">It does not exist.</exception>
    Task<bool> EvictAsync();

    /// <summary>Stops the worker and deletes its oplog.</summary>
    Task DeleteAsync();

    /// <summary>
    /// The component host dropped the worker from memory after receiving <paramref name="callsSeen"/> of
    /// this door's calls: the grain goes too, unless a call has been sent to the worker since.
    /// </summary>
    [OneWay]
    Task ReleaseAsync(long callsSeen);

    /// <summary>Brings the worker into memory so that its pending work goes on; fails with <c>worker-not-found</c>.</summary>
    Task WakeAsync();

    /// <summary>Completes the worker's promise once; fails with <c>promise-not-found</c> or <c>promise-already-completed</c>.</summary>
    Task CompletePromiseAsync(long promise, string value);

    /// <summary>The worker's scheduled invocations, earliest first; fails with <c>worker-not-found</c>.</summary>
    Task<IReadOnlyList<ScheduleView>> GetSchedulesAsync();

    /// <summary>Cancels a queued or scheduled invocation; fails with <c>invocation-not-cancellable</c> or <c>invocation-not-found</c>.</summary>
    Task CancelInvocationAsync(string idempotencyKey);

    /// <summary>Interrupts the worker (or, with <paramref name="recoverImmediately"/>, simulates a crash); fails with <c>worker-not-found</c>.</summary>
    Task<WorkerInfo> InterruptAsync(bool recoverImmediately);

    /// <summary>Resumes a failed worker; fails with <c>worker-not-resumable</c> when it has not failed.</summary>
    Task<WorkerInfo> ResumeAsync();

    /// <summary>
    /// Reverts the worker to its state at <paramref name="lastOplogIndex"/>, or as before its last
    /// <paramref name="numberOfInvocations"/> invocations (the other is 0); fails with <c>oplog-index-out-of-range</c>,
    /// <c>invocation-count-out-of-range</c> or <c>revert-inside-invocation</c>.
    /// </summary>
    Task<WorkerInfo> RevertAsync(long lastOplogIndex, int numberOfInvocations);

    /// <summary>
    /// Updates the worker to <paramref name="targetVersion"/> of its component, replaying its history (<paramref name="manual"/>
    /// false) or through a snapshot (true); fails with <c>update-version-not-found</c>, <c>update-same-version</c>,
    /// <c>worker-not-found</c> or <c>update-failed</c> (recorded; the worker stays on its version).
    /// </summary>
    Task<WorkerInfo> UpdateAsync(long targetVersion, bool manual);

    /// <summary>
    /// Creates this worker as a fork of <paramref name="sourceComponent"/>/<paramref name="sourceWorker"/> up to
    /// <paramref name="oplogIndex"/>; fails with <c>worker-already-exists</c>, <c>worker-not-found</c> or <c>oplog-index-out-of-range</c>.
    /// </summary>
    Task<WorkerInfo> ForkFromAsync(string sourceComponent, string sourceWorker, long oplogIndex);
}
