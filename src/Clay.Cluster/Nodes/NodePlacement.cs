using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Clay.Cluster.Nodes;

/// <summary>Places a grain keyed by a silo address on that silo (see <see cref="NodePlacementDirector"/>).</summary>
[GenerateSerializer, Immutable]
public sealed class NodePlacementStrategy : PlacementStrategy
{
    /// <summary>The one instance.</summary>
    public static NodePlacementStrategy Instance { get; } = new();
}

/// <summary>Marks a grain interface whose key is the silo address it must run on.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Interface, AllowMultiple = false)]
public sealed class NodePlacementAttribute() : PlacementAttribute(NodePlacementStrategy.Instance);

/// <summary>
/// Activates a node grain on the silo its key names, and nowhere else: a node that has left the
/// cluster cannot be stood in for, so the call fails instead.
/// </summary>
public sealed class NodePlacementDirector : IPlacementDirector
{
    /// <inheritdoc/>
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var wanted = NodeGrainKey.Parse(target.GrainIdentity.Key.ToString()!);
        if (context.GetCompatibleSilos(target).Contains(wanted)) return Task.FromResult(wanted);
        throw new OrleansException($"node {wanted} is not an active member of the cluster");
    }
}
