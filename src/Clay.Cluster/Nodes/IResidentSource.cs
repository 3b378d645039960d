using Clay.Runtime.Execution;

namespace Clay.Cluster.Nodes;

/// <summary>
/// Workers a node holds in memory outside its own process — in the component hosts it supervises —
/// so that what the node reports of its resident workers includes them.
/// </summary>
public interface IResidentSource
{
    /// <summary>How many workers are in memory there, of every component.</summary>
    int Count { get; }

    /// <summary>The workers of <paramref name="component"/> in memory there, with their status.</summary>
    Task<IReadOnlyList<WorkerInfo>> ResidentAsync(string component);
}
