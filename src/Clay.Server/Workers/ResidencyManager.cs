using System.Diagnostics;
using Clay.Cluster.Workers;
using Clay.Runtime;
using Clay.Runtime.Execution;
using Clay.Runtime.Residency;
using Clay.Server.Hosting;

namespace Clay.Server.Workers;

/// <summary>
/// Keeps the resident workers within the memory budget. A resident worker is charged its estimated
/// memory (<see cref="WorkerInfo.MemoryNow"/>) plus a fixed <see cref="ResidentWorkers.OverheadBytes"/> for the
/// executor, grain and queues around it. When the total exceeds the workers' part of the budget (the
/// budget less the server's own size), idle workers are evicted least recently used first until it is
/// back under 90 % of that part. A worker that is
/// running or has invocations waiting in memory is never evicted; one whose invocation waits
/// durably (a long sleep, a retry, a promise) is (<see cref="WorkerExecutor.IsEvictable"/>). Eviction
/// saves nothing: the worker's oplog already holds everything, and it is replayed when it is next
/// called or wakes.
/// Workers idle longer than <c>--max-idle</c> are dropped by Orleans' activation collection.
/// The budget is checked every <see cref="ActivePeriod"/> while the resident set changes, backs off
/// to every <see cref="IdlePeriod"/> while it does not, and then waits for the next change (looking at
/// least every <see cref="DormantPeriod"/>).
/// </summary>
public sealed class ResidencyManager(ResidentWorkers resident, IGrainFactory grains, ServerOptions options, ClayMetrics metrics,
    DroppedMemory dropped, ILogger<ResidencyManager> logger) : BackgroundService
{
    private long _used;

    /// <summary>The budget in bytes.</summary>
    public long Budget { get; } = options.EffectiveMemoryBudget;

    /// <summary>The estimated memory of the resident workers at the last check.</summary>
    public long Used => Interlocked.Read(ref _used);

    /// <summary>How often the budget is checked while workers come, go or grow.</summary>
    internal static readonly TimeSpan ActivePeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest pause between checks once nothing changes: then the manager waits for a change instead.</summary>
    internal static readonly TimeSpan IdlePeriod = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a manager waiting for a change goes without looking: a worker's memory can grow without
    /// the resident set changing (an invocation that began before the wait and ends during it).
    /// </summary>
    internal static readonly TimeSpan DormantPeriod = TimeSpan.FromSeconds(10);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = (Count: -1, Used: -1L);
        var period = ActivePeriod;
        Task? change = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Waiting for a change, the manager is woken by it or looks anyway after DormantPeriod.
            var woken = change is null
                ? await DelayAsync(period, stoppingToken)
                : await NextSignal.WaitAsync(change, DormantPeriod, TimeProvider.System, stoppingToken);
            // Armed before looking, so that a worker used while the manager looks is not missed.
            var watch = !woken || period == IdlePeriod ? resident.NextChangeAsync() : null;
            try
            {
                await EnforceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Enforcing the memory budget failed; trying again");
            }
            // Every wake-up costs a thread-pool thread's spin: while the resident set stays the same the
            // manager looks less often (100 ms, 200, 400, 800, then every second), then waits for the next
            // change; a change brings it back to every 100 ms.
            var now = (resident.Count, Used);
            var settled = now == last && (change is null || !woken);
            change = settled && watch is not null ? watch : null;
            period = settled ? Min(period * 2, IdlePeriod) : ActivePeriod;
            last = now;
        }
    }

    private static async Task<bool> DelayAsync(TimeSpan period, CancellationToken cancellationToken)
    {
        await Task.Delay(period, cancellationToken);
        return true;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private long _forWorkers;

    /// <summary>
    /// Evicts idle workers, least recently used first, while what they hold exceeds their part of the
    /// budget: the budget less the server's own size, measured when the first worker is in memory
    /// (<see cref="Isolation.HostBudgets.ForWorkers"/>; with component hosts, they divide that part among them).
    /// </summary>
    public async Task EnforceAsync(CancellationToken cancellationToken)
    {
        var used = resident.Used;
        Interlocked.Exchange(ref _used, used);
        if (resident.Count > 0 && _forWorkers == 0) _forWorkers = Isolation.HostBudgets.ForWorkers(Budget, Environment.WorkingSet);
        var budget = _forWorkers > 0 ? _forWorkers : Budget;
        if (used <= budget) return;
        var evicted = 0;
        var started = Stopwatch.GetTimestamp();
        used = await resident.EvictLeastRecentlyUsedAsync(used, budget / 10 * 9, async (executor, cost) =>
        {
            if (!await grains.Worker(executor.Id).EvictAsync()) return false;
            evicted++;
            dropped.Dropped(cost);
            return true;
        }, cancellationToken);
        Interlocked.Exchange(ref _used, used);
        if (evicted == 0) return;
        metrics.Evicted(evicted);
        logger.LogDebug("Evicted {Count} idle workers in {Elapsed} ms to stay within the workers' {Budget} bytes of the memory budget",
            evicted, Stopwatch.GetElapsedTime(started).TotalMilliseconds, budget);
    }
}
