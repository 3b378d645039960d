using System.Diagnostics;
using Clay.Cluster.Workers;
using Clay.Runtime.Execution;
using Clay.Runtime.Residency;
using Clay.Server.Hosting;

namespace Clay.Server.Workers;

/// <summary>
/// Keeps the resident workers within the memory budget. A resident worker is charged its estimated
/// memory (<see cref="WorkerInfo.MemoryNow"/>) plus a fixed <see cref="OverheadBytes"/> for the
/// executor, grain and queues around it. When the total exceeds the budget, idle workers are
/// evicted least recently used first until it is back under 90 % of the budget. A worker that is
/// running, suspended in a sleep, retrying, or has invocations queued is never evicted. Eviction
/// saves nothing: the worker's oplog already holds everything, and its next invocation replays it.
/// Workers idle longer than <c>--max-idle</c> are dropped by Orleans' activation collection.
/// </summary>
public sealed class ResidencyManager(ResidentWorkers resident, IGrainFactory grains, ServerOptions options, ClayMetrics metrics,
    ILogger<ResidencyManager> logger) : BackgroundService
{
    /// <summary>What a resident worker costs beyond its own state.</summary>
    public const long OverheadBytes = 16 * 1024;

    private long _used;

    /// <summary>The budget in bytes.</summary>
    public long Budget { get; } = options.EffectiveMemoryBudget;

    /// <summary>The estimated memory of the resident workers at the last check.</summary>
    public long Used => Interlocked.Read(ref _used);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await EnforceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Enforcing the memory budget failed; trying again");
            }
        }
    }

    /// <summary>Evicts idle workers, least recently used first, while the budget is exceeded.</summary>
    public async Task EnforceAsync(CancellationToken cancellationToken)
    {
        var workers = resident.Snapshot();
        var used = workers.Sum(w => w.Executor.MemoryNow + OverheadBytes);
        Interlocked.Exchange(ref _used, used);
        if (used <= Budget) return;
        var target = Budget / 10 * 9;
        var evicted = 0;
        var started = Stopwatch.GetTimestamp();
        foreach (var (executor, _) in workers.OrderBy(w => w.LastUsed))
        {
            if (used <= target || cancellationToken.IsCancellationRequested) break;
            if (executor.IsBusy || executor.Status is not (WorkerStatus.Idle or WorkerStatus.Failed or WorkerStatus.Exited)) continue;
            var cost = executor.MemoryNow + OverheadBytes;
            if (await grains.GetGrain<IWorkerGrain>(WorkerGrainKey.Of(executor.Id)).EvictAsync())
            {
                used -= cost;
                evicted++;
            }
        }
        Interlocked.Exchange(ref _used, used);
        if (evicted == 0) return;
        metrics.Evicted(evicted);
        logger.LogDebug("Evicted {Count} idle workers in {Elapsed} ms to stay within the {Budget}-byte memory budget",
            evicted, Stopwatch.GetElapsedTime(started).TotalMilliseconds, Budget);
    }
}
