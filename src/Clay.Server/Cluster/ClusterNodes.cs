using Clay.Cluster.Nodes;
using Clay.Runtime;
using Clay.Runtime.Execution;

namespace Clay.Server.Cluster;

/// <summary>
/// What the cluster's nodes know: the members from Orleans' membership, and from each active node
/// (through its <see cref="INodeGrain"/>) its figures and the workers in its memory. A node that does
/// not answer within <see cref="AnswerTimeout"/> is shown without its figures, and its workers as
/// not resident.
/// </summary>
public sealed class ClusterNodes(IGrainFactory grains, ILocalSiloDetails local, ILogger<ClusterNodes> logger)
{
    /// <summary>How long a node has to answer.</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a dead node stays in the list.</summary>
    public static readonly TimeSpan ForgetDeadAfter = TimeSpan.FromHours(1);

    /// <summary>Every member, live ones first, each with its figures when it answered.</summary>
    public async Task<IReadOnlyList<NodeStatus>> ListAsync()
    {
        var members = await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false);
        var since = DateTime.UtcNow - ForgetDeadAfter;
        var shown = members.Where(m => m.Status != SiloStatus.Dead || m.IAmAliveTime.ToUniversalTime() > since).ToList();
        var reports = await Task.WhenAll(shown.Select(m => m.Status == SiloStatus.Active ? AskAsync(m.SiloAddress, n => n.GetReportAsync()) : Task.FromResult<NodeReport?>(null)));
        return shown.Select((m, i) => new NodeStatus(m.SiloName, m.SiloAddress.ToString(), m.Status.ToString(), m.SiloAddress.Equals(local.SiloAddress),
                new DateTimeOffset(m.StartTime.ToUniversalTime(), TimeSpan.Zero), reports[i]))
            .OrderBy(n => n.Status == nameof(SiloStatus.Dead) ? 1 : 0).ThenBy(n => n.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The workers of <paramref name="component"/> in memory on any active node, with their status there.</summary>
    public async Task<IReadOnlyDictionary<WorkerId, WorkerInfo>> ResidentAsync(string component)
    {
        var active = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        var answers = await Task.WhenAll(active.Keys.Select(silo => AskAsync(silo, n => n.GetResidentAsync(component))));
        var resident = new Dictionary<WorkerId, WorkerInfo>();
        foreach (var info in answers.Where(a => a is not null).SelectMany(a => a!)) resident[info.Id] = info;
        return resident;
    }

    private async Task<T?> AskAsync<T>(SiloAddress silo, Func<INodeGrain, Task<T>> ask) where T : class
    {
        try
        {
            return await ask(grains.GetGrain<INodeGrain>(NodeGrainKey.Of(silo))).WaitAsync(AnswerTimeout);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or SiloUnavailableException)
        {
            logger.LogWarning("Node {Silo} did not answer: {Problem}", silo, ex.Message);
            return null;
        }
    }
}

/// <summary>One member of the cluster.</summary>
/// <param name="Name">Its REST address (the silo's name).</param>
/// <param name="SiloAddress">Its Orleans silo address (address:port@generation).</param>
/// <param name="Status">Its membership status: Joining, Active, ShuttingDown, Stopping, Dead.</param>
/// <param name="Self">True for the node that answers the request.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="Report">Its figures, when it answered.</param>
public sealed record NodeStatus(string Name, string SiloAddress, string Status, bool Self, DateTimeOffset StartedAt, NodeReport? Report);
