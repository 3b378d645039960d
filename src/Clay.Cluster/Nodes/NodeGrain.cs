using Clay.Runtime.Execution;
using Clay.Runtime.Residency;
using Orleans.Concurrency;

namespace Clay.Cluster.Nodes;

/// <summary>Answers for the node it lives on, from the node's residency book.</summary>
[Reentrant, NodePlacement]
internal sealed class NodeGrain(ResidentWorkers resident, NodeResources resources, IEnumerable<IResidentSource> elsewhere) : Grain, INodeGrain
{
    public Task<NodeReport> GetReportAsync() => Task.FromResult(new NodeReport(resident.Count + elsewhere.Sum(s => s.Count), resources.MemoryUsed(), resources.MemoryBudget));

    public async Task<IReadOnlyList<WorkerInfo>> GetResidentAsync(string component)
    {
        var infos = resident.Snapshot()
            .Select(r => r.Executor)
            .Where(e => e.Id.Component == component && !e.IsBroken)
            .Select(e => e.GetInfo())
            .ToList();
        foreach (var source in elsewhere) infos.AddRange(await source.ResidentAsync(component));
        return infos;
    }
}
