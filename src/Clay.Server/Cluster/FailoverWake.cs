using Clay.Runtime.Hosting;
using Clay.Runtime.Storage;

namespace Clay.Server.Cluster;

/// <summary>
/// Takes over a dead node's work: the wake-up clock of a node holds the wake-up times of the workers
/// that started waiting on it, and start-up recovery only covers what was marked when a node
/// started. So when membership declares a node dead, one survivor (the active member with the lowest
/// silo address, so the work is not done twice) hands every marked worker to its own wake-up clock,
/// as at start: those with work in flight or queued at once, sleepers at their time. Waking goes
/// through the worker's grain, which Orleans activates wherever it places it now, and opening the
/// worker continues its pending invocations. Every other worker of the dead node comes back on its
/// next call.
/// </summary>
/// <remarks>
/// Waking is idempotent: a worker that was healthy elsewhere, or is woken by two clocks, costs a
/// lookup. The one-writer guarantee is Orleans' and the oplog's fence's, as for any call.
/// </remarks>
internal sealed partial class FailoverWake(IClusterMembershipService membership, ILocalSiloDetails local, IOplogStore store,
    WakeUpTimers timers, ILogger<FailoverWake> logger) : BackgroundService
{
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
        try
        {
            var count = await timers.LoadAsync(store, cancellationToken);
            LogScheduled(logger, count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The dead node's workers still come back on their next call.
            LogWakeFailed(logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node(s) {Silos} left the cluster: waking their workers with pending work or due timers")]
    private static partial void LogTakingOver(ILogger logger, string silos);

    [LoggerMessage(Level = LogLevel.Information, Message = "Failover: {Count} worker(s) with pending work or a wake-up time handed to the wake-up clock")]
    private static partial void LogScheduled(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failover: the workers with work to continue could not be listed: {Problem}")]
    private static partial void LogWakeFailed(ILogger logger, string problem);

    /// <summary>Orders silo addresses the same way on every node.</summary>
    private sealed class SiloOrder : IComparer<SiloAddress>
    {
        public static SiloOrder Instance { get; } = new();

        public int Compare(SiloAddress? x, SiloAddress? y) => string.CompareOrdinal(x?.ToParsableString(), y?.ToParsableString());
    }
}
