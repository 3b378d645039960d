namespace Clay.Cluster.Nodes;

/// <summary>What the host tells its node grain about the node's memory.</summary>
/// <param name="MemoryUsed">The resident workers' estimated memory now.</param>
/// <param name="MemoryBudget">The node's memory budget.</param>
public sealed record NodeResources(Func<long> MemoryUsed, long MemoryBudget);
