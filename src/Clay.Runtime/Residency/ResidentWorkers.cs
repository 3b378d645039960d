using System.Collections.Concurrent;
using System.Diagnostics;
using Clay.Runtime.Execution;

namespace Clay.Runtime.Residency;

/// <summary>
/// The workers in memory in this process, when each was last used, and what is known of workers that
/// left memory in a failed state. Worker hosts report to it as workers open and close; the residency
/// policy reads it to choose whom to evict.
/// </summary>
/// <param name="busy">
/// The workers with invocations, when the executors keep that set (<see cref="WorkerExecutorOptions.Busy"/>):
/// then <see cref="Tally"/> counts invocations over those workers alone, not over every resident one.
/// </param>
public sealed class ResidentWorkers(BusyWorkers? busy = null)
{
    private readonly ConcurrentDictionary<WorkerId, Resident> _resident = new();
    private readonly ConcurrentDictionary<WorkerId, (WorkerStatus Status, string? Error)> _departed = new();
    private readonly NextSignal _changed = new();

    // What the resident workers are charged, kept as they come, go and are measured: the sum of Charged
    // over the residents that have not left. A budget looks at it often, and a pass over every worker costs
    // as much as the workers are many.
    private long _used;

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

    /// <summary>
    /// What the resident workers are charged against a memory budget (<see cref="Cost"/>), as last
    /// measured: kept as workers come into memory, leave it and are measured after their invocations,
    /// so that reading it costs nothing however many workers there are.
    /// </summary>
    public long Used => Interlocked.Read(ref _used);

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
    /// against a memory budget (<see cref="Used"/>), their pending invocations and how many run one.
    /// Counting the invocations is one pass, without the workers' locks, over the workers with invocations
    /// when they are known, else over the whole set.
    /// </summary>
    public ResidentTally Tally()
    {
        int running = 0;
        long pending = 0;
        foreach (var executor in busy?.Executors ?? Executors)
        {
            pending += executor.PendingInvocationsNow;
            if (executor.Status == WorkerStatus.Running) running++;
        }
        return new ResidentTally(Count, Used, pending, running);
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
        ArgumentNullException.ThrowIfNull(executor);
        var resident = new Resident(executor) { LastUsed = Stopwatch.GetTimestamp() };
        lock (resident)
        {
            resident.Charged = Cost(executor);
            Interlocked.Add(ref _used, resident.Charged);
        }
        executor.Residency = this;
        Resident? replaced = null;
        _resident.AddOrUpdate(executor.Id, static (_, added) => added, (_, old, added) =>
        {
            replaced = old;
            return added;
        }, resident);
        if (replaced is not null && !ReferenceEquals(replaced, resident)) Leave(replaced);
        _departed.TryRemove(executor.Id, out _);
        Changed();
    }

    /// <summary>Records that <paramref name="executor"/> left memory, remembering its status if it failed.</summary>
    public void Remove(WorkerExecutor executor)
    {
        ArgumentNullException.ThrowIfNull(executor);
        if (_resident.TryGetValue(executor.Id, out var r) && ReferenceEquals(r.Executor, executor)
            && _resident.TryRemove(new KeyValuePair<WorkerId, Resident>(executor.Id, r)))
        {
            Leave(r);
        }
        if (executor.Status is WorkerStatus.Failed) _departed[executor.Id] = (executor.Status, executor.GetInfo().LastError);
        Changed();
    }

    /// <summary>Charges <paramref name="executor"/> what it holds now, after it was measured again.</summary>
    internal void Remeasured(WorkerExecutor executor)
    {
        if (!_resident.TryGetValue(executor.Id, out var r) || !ReferenceEquals(r.Executor, executor)) return;
        lock (r)
        {
            if (r.Gone) return;
            var cost = Cost(executor);
            Interlocked.Add(ref _used, cost - r.Charged);
            r.Charged = cost;
        }
    }

    /// <summary>Takes what a worker that left was charged out of <see cref="Used"/>, once.</summary>
    private void Leave(Resident r)
    {
        lock (r)
        {
            if (r.Gone) return;
            r.Gone = true;
            Interlocked.Add(ref _used, -r.Charged);
        }
    }

    /// <summary>Forgets what is known of a deleted worker.</summary>
    public void Forget(WorkerId worker) => _departed.TryRemove(worker, out _);

    private sealed class Resident(WorkerExecutor executor)
    {
        public WorkerExecutor Executor { get; } = executor;
        public long LastUsed;

        /// <summary>What it is charged in <see cref="Used"/> (under its lock).</summary>
        public long Charged;

        /// <summary>Set when it left memory and its charge was taken out (under its lock).</summary>
        public bool Gone;
    }
}

/// <summary>The resident workers at a glance (see <see cref="ResidentWorkers.Tally"/>).</summary>
/// <param name="Count">How many are in memory.</param>
/// <param name="Used">What they are charged against a memory budget, in bytes.</param>
/// <param name="Pending">Their invocations waiting to run.</param>
/// <param name="Running">How many run an invocation.</param>
public readonly record struct ResidentTally(int Count, long Used, long Pending, int Running);
