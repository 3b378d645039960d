using Clay.Cluster.Workers;
using Clay.Runtime.Storage;

namespace Clay.Server.Cluster;

/// <summary>
/// Takes over a dead node's work at once: when membership declares a node dead, one survivor (the
/// active member with the lowest silo address, so the work is not done twice) calls every worker
/// whose mark says it has work in flight or queued, or a wake-up time already due. The call
/// activates the worker's grain wherever Orleans places it now, and opening the worker continues its
/// pending invocations. Every other worker of the dead node comes back on its next call.
/// </summary>
/// <remarks>
/// A worker that was still healthy elsewhere is merely asked for its status. The call goes through
/// the worker's grain, so the one-writer guarantee is Orleans' and the oplog's fence's, as for any call.
/// </remarks>
internal sealed partial class FailoverWake(IClusterMembershipService membership, ILocalSiloDetails local, IOplogStore store,
    IGrainFactory grains, ILogger<FailoverWake> logger) : BackgroundService
{
    /// <summary>How many workers are woken at once.</summary>
    private const int Parallelism = 16;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        HashSet<SiloAddress>? dead = null;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var nowDead = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress).ToHashSet();
                if (dead is null)
                {
                    // Members that died before this node joined had their work taken over then.
                    dead = nowDead;
                    continue;
                }
                var newlyDead = nowDead.Except(dead).ToList();
                dead.UnionWith(nowDead);
                if (newlyDead.Count == 0) continue;
                var active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
                if (active.Count == 0 || !active.Min(SiloOrder.Instance)!.Equals(local.SiloAddress)) continue;
                LogTakingOver(logger, string.Join(", ", newlyDead));
                await WakeAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node is stopping.
        }
    }

    private async Task WakeAsync(CancellationToken cancellationToken)
    {
        var now = TimeProvider.System.GetUtcNow();
        var woken = 0;
        var failed = 0;
        var due = new List<Runtime.WorkerId>();
        await foreach (var marked in store.ListMarkedAsync(cancellationToken))
        {
            if (marked.Mark.HasPendingWork || marked.Mark.WakeAt <= now) due.Add(marked.Worker);
        }
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (worker, _) =>
        {
            try
            {
                await grains.GetGrain<IWorkerGrain>(WorkerGrainKey.Of(worker)).GetAsync();
                Interlocked.Increment(ref woken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Its next call brings it back anyway.
                Interlocked.Increment(ref failed);
                LogWakeFailed(logger, worker.ToString(), ex.Message);
            }
        });
        LogWoken(logger, woken, failed);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node(s) {Silos} left the cluster: waking their workers with pending work or due timers")]
    private static partial void LogTakingOver(ILogger logger, string silos);

    [LoggerMessage(Level = LogLevel.Information, Message = "Failover: {Woken} worker(s) with pending work woken, {Failed} could not be")]
    private static partial void LogWoken(ILogger logger, int woken, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failover: worker {Worker} could not be woken: {Problem}")]
    private static partial void LogWakeFailed(ILogger logger, string worker, string problem);

    /// <summary>Orders silo addresses the same way on every node.</summary>
    private sealed class SiloOrder : IComparer<SiloAddress>
    {
        public static SiloOrder Instance { get; } = new();

        public int Compare(SiloAddress? x, SiloAddress? y) => string.CompareOrdinal(x?.ToParsableString(), y?.ToParsableString());
    }
}
