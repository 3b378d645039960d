using Clay.Runtime.Execution;
using Clay.Runtime.Residency;
using Orleans.Concurrency;

namespace Clay.Cluster.Nodes;

/// <summary>Answers for the node it lives on, from the node's residency book.</summary>
[Reentrant, NodePlacement]
internal sealed class NodeGrain(ResidentWorkers resident, NodeResources resources) : Grain, INodeGrain
{
    public Task<NodeReport> GetReportAsync() => Task.FromResult(new NodeReport(resident.Count, resources.MemoryUsed(), resources.MemoryBudget));

    public Task<IReadOnlyList<WorkerInfo>> GetResidentAsync(string component)
    {
        IReadOnlyList<WorkerInfo> infos = resident.Snapshot()
            .Select(r => r.Executor)
            .Where(e => e.Id.Component == component && !e.IsBroken)
            .Select(e => e.GetInfo())
            .ToList();
        return Task.FromResult(infos);
    }
}
