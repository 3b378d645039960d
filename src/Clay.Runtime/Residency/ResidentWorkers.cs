using System.Collections.Concurrent;
using System.Diagnostics;
using Clay.Runtime.Execution;

namespace Clay.Runtime.Residency;

/// <summary>
/// The workers in memory in this process, when each was last used, and what is known of workers that
/// left memory in a failed state. Worker hosts report to it as workers open and close; the residency
/// policy reads it to choose whom to evict.
/// </summary>
public sealed class ResidentWorkers
{
    private readonly ConcurrentDictionary<WorkerId, Resident> _resident = new();
    private readonly ConcurrentDictionary<WorkerId, (WorkerStatus Status, string? Error)> _departed = new();
    private readonly NextSignal _changed = new();

    /// <summary>What a resident worker is charged beyond its own state: its executor, grain or door, and queues.</summary>
    public const long OverheadBytes = 16 * 1024;

    /// <summary>What a resident worker is charged against a memory budget: its state and <see cref="OverheadBytes"/>.</summary>
    public static long Cost(WorkerExecutor executor)
    {
        ArgumentNullException.ThrowIfNull(executor);
        return executor.MemoryNow + OverheadBytes;
    }

    /// <summary>
    /// Evicts workers least recently used first, skipping those that cannot leave memory now
    /// (<see cref="WorkerExecutor.IsEvictable"/>), until what the workers hold — <paramref name="used"/>
    /// to begin with — is at most <paramref name="target"/>. <paramref name="evict"/> takes a worker out
    /// with its <see cref="Cost"/>, read before it left, and says whether it did. Returns what the workers
    /// then hold. Only this costs a copy of the resident set, in order of use.
    /// </summary>
    public async Task<long> EvictLeastRecentlyUsedAsync(long used, long target, Func<WorkerExecutor, long, Task<bool>> evict,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evict);
        if (used <= target) return used;
        foreach (var (executor, _) in Snapshot().OrderBy(w => w.LastUsed))
        {
            if (used <= target || cancellationToken.IsCancellationRequested) break;
            if (!executor.IsEvictable) continue;
            var cost = Cost(executor);
            if (await evict(executor, cost).ConfigureAwait(false)) used -= cost;
        }
        return used;
    }

    /// <summary>How many workers are in memory.</summary>
    public int Count => _resident.Count;

    /// <summary>The worker's executor when it is in memory.</summary>
    public WorkerExecutor? TryGet(WorkerId worker) => _resident.TryGetValue(worker, out var r) ? r.Executor : null;

    /// <summary>Status and error of a worker that left memory failed, if any.</summary>
    public (WorkerStatus Status, string? Error)? LastKnown(WorkerId worker) => _departed.TryGetValue(worker, out var s) ? s : null;

    /// <summary>The workers that left memory failed (see <see cref="LastKnown"/>).</summary>
    public IEnumerable<WorkerId> Departed => _departed.Keys;

    /// <summary>Every resident worker with the timestamp (<see cref="Stopwatch"/> ticks) of its last use.</summary>
    public IReadOnlyList<(WorkerExecutor Executor, long LastUsed)> Snapshot() =>
        _resident.Values.Select(r => (r.Executor, Volatile.Read(ref r.LastUsed))).ToList();

    /// <summary>
    /// The resident workers' executors, read live as the set changes (a worker that comes or goes
    /// meanwhile may or may not be seen): for a tally, without the copy <see cref="Snapshot"/> makes.
    /// </summary>
    public IEnumerable<WorkerExecutor> Executors
    {
        get
        {
            foreach (var pair in _resident) yield return pair.Value.Executor;
        }
    }

    /// <summary>
    /// The resident workers at a glance, read live as the set changes: how many, what they are charged
    /// against a memory budget (<see cref="Cost"/>), their pending invocations and how many run one.
    /// One pass over the set, without the workers' locks: for a gauge or a budget looked at often.
    /// </summary>
    public ResidentTally Tally()
    {
        int count = 0, running = 0;
        long used = 0, pending = 0;
        foreach (var pair in _resident)
        {
            var executor = pair.Value.Executor;
            count++;
            used += executor.MemoryNow + OverheadBytes;
            pending += executor.PendingInvocationsNow;
            if (executor.Status == WorkerStatus.Running) running++;
        }
        return new ResidentTally(count, used, pending, running);
    }

    /// <summary>Marks the worker as used now.</summary>
    public void Touch(WorkerId worker)
    {
        if (_resident.TryGetValue(worker, out var r)) Volatile.Write(ref r.LastUsed, Stopwatch.GetTimestamp());
        Changed();
    }

    /// <summary>
    /// Completes at the next change of the resident set: a worker comes into memory, leaves it, or is
    /// used. A policy that has nothing to do waits on it instead of looking again and again.
    /// </summary>
    public Task NextChangeAsync() => _changed.NextAsync();

    // One read on the path of every invocation while nobody waits.
    private void Changed() => _changed.Signal();

    /// <summary>Records that <paramref name="executor"/> is now in memory.</summary>
    public void Add(WorkerExecutor executor)
    {
        _resident[executor.Id] = new Resident(executor) { LastUsed = Stopwatch.GetTimestamp() };
        _departed.TryRemove(executor.Id, out _);
        Changed();
    }

    /// <summary>Records that <paramref name="executor"/> left memory, remembering its status if it failed.</summary>
    public void Remove(WorkerExecutor executor)
    {
        if (_resident.TryGetValue(executor.Id, out var r) && ReferenceEquals(r.Executor, executor)) _resident.TryRemove(executor.Id, out _);
        if (executor.Status is WorkerStatus.Failed) _departed[executor.Id] = (executor.Status, executor.GetInfo().LastError);
        Changed();
    }

    /// <summary>Forgets what is known of a deleted worker.</summary>
    public void Forget(WorkerId worker) => _departed.TryRemove(worker, out _);

    private sealed class Resident(WorkerExecutor executor)
    {
        public WorkerExecutor Executor { get; } = executor;
        public long LastUsed;
    }
}

/// <summary>The resident workers at a glance (see <see cref="ResidentWorkers.Tally"/>).</summary>
/// <param name="Count">How many are in memory.</param>
/// <param name="Used">What they are charged against a memory budget, in bytes.</param>
/// <param name="Pending">Their invocations waiting to run.</param>
/// <param name="Running">How many run an invocation.</param>
public readonly record struct ResidentTally(int Count, long Used, long Pending, int Running);
