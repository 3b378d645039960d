using System.Collections.Concurrent;
using Clay.Cluster.Hosts;
using Clay.Runtime;
using Clay.Runtime.Execution;

namespace Clay.Server.Isolation;

/// <summary>
/// The workers that went on with their work in a component host after the crash of the one before, and
/// whose marks have not shown it done since: those a crash of this host with no call in flight is
/// charged to (see <see cref="ComponentHosts"/>).
/// </summary>
internal sealed class GoingOn
{
    private readonly ConcurrentDictionary<WorkerId, TaskCompletionSource> _workers = new();
    private int _count;

    /// <summary>Notes that <paramref name="worker"/>, woken after the last crash, went on with its work in the host.</summary>
    public void WentOn(WorkerId worker)
    {
        if (_workers.TryAdd(worker, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))) Interlocked.Increment(ref _count);
    }

    /// <summary>
    /// Notes a message the host of <paramref name="component"/> sent: a worker whose new mark shows no work
    /// left (done, or waiting for a timer), or its work suspended (waiting for another worker's answer,
    /// which runs none of its code), no longer counts as working.
    /// </summary>
    public void Sent(string component, object message)
    {
        if (Volatile.Read(ref _count) == 0
            || message is not StoreCall { Operation: StoreOperation.Append, Mark: { } mark } append
            || (mark.HasPendingWork && mark.Status is not ((int)WorkerStatus.Suspended or (int)WorkerStatus.Retrying))) return;
        if (!_workers.TryRemove(new WorkerId(component, append.Worker), out var done)) return;
        Interlocked.Decrement(ref _count);
        done.TrySetResult();
    }

    /// <summary>
    /// Completes once <paramref name="worker"/>'s mark shows its work done (at once when it is not among
    /// the workers going on).
    /// </summary>
    public Task Done(WorkerId worker) => _workers.TryGetValue(worker, out var done) ? done.Task : Task.CompletedTask;

    /// <summary>The workers still working.</summary>
    public IReadOnlyList<WorkerId> Workers => [.. _workers.Keys];
}
