using System.Collections.Concurrent;
using Clay.Runtime;
using Clay.Runtime.Execution;

namespace Clay.Cluster.Workers;

/// <summary>
/// The workers this silo holds in memory, and the last status of workers that left memory in a
/// state their oplog alone does not show (failed on replay). Read by listings so that asking about
/// a worker never loads it.
/// </summary>
public sealed class ResidentWorkers
{
    private readonly ConcurrentDictionary<WorkerId, WorkerExecutor> _resident = new();
    private readonly ConcurrentDictionary<WorkerId, (WorkerStatus Status, string? Error)> _departed = new();

    /// <summary>How many workers are in memory.</summary>
    public int Count => _resident.Count;

    /// <summary>The executor of a worker in memory, or null.</summary>
    public WorkerExecutor? TryGet(WorkerId worker) => _resident.TryGetValue(worker, out var executor) ? executor : null;

    /// <summary>The status a worker had when it left memory, if it was not a plain idle one.</summary>
    public (WorkerStatus Status, string? Error)? LastKnown(WorkerId worker) => _departed.TryGetValue(worker, out var s) ? s : null;

    internal void Add(WorkerExecutor executor)
    {
        _resident[executor.Id] = executor;
        _departed.TryRemove(executor.Id, out _);
    }

    internal void Remove(WorkerExecutor executor)
    {
        _resident.TryRemove(new KeyValuePair<WorkerId, WorkerExecutor>(executor.Id, executor));
        if (executor.Status is WorkerStatus.Failed) _departed[executor.Id] = (executor.Status, executor.GetInfo().LastError);
    }

    internal void Forget(WorkerId worker) => _departed.TryRemove(worker, out _);
}
