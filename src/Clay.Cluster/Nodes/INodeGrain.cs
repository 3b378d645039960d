using Clay.Runtime.Execution;

namespace Clay.Cluster.Nodes;

/// <summary>
/// One Clay node (an Orleans silo) as a grain keyed by its silo address (<see cref="NodeGrainKey"/>),
/// always activated on that silo: the way to ask a node what only it knows — which workers are in its
/// memory, and how much of its budget they use. A node that is gone does not answer.
/// </summary>
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>The node's figures.</summary>
    Task<NodeReport> GetReportAsync();

    /// <summary>The workers of <paramref name="component"/> in the node's memory, with their status.</summary>
    Task<IReadOnlyList<WorkerInfo>> GetResidentAsync(string component);
}

/// <summary>What a node reports about itself.</summary>
/// <param name="ResidentWorkers">Workers in its memory.</param>
/// <param name="MemoryUsed">Their estimated memory, in bytes.</param>
/// <param name="MemoryBudget">Its memory budget, in bytes.</param>
[GenerateSerializer, Immutable]
public sealed record NodeReport(
    [property: Id(0)] int ResidentWorkers,
    [property: Id(1)] long MemoryUsed,
    [property: Id(2)] long MemoryBudget);
