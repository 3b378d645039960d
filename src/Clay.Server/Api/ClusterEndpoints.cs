using Clay.Server.Cluster;

namespace Clay.Server.Api;

/// <summary><c>GET /v1/cluster/nodes</c>: the nodes of the cluster, what <c>clay server status</c> shows.</summary>
public static class ClusterEndpoints
{
    /// <summary>Maps the route.</summary>
    public static void MapClusterEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/cluster/nodes", async (ClusterNodes nodes, Hosting.ServerOptions options) =>
            new ClusterDto(options.Cluster is null ? "single" : "cluster", (await nodes.ListAsync()).Select(n => new NodeDto(n.Name, n.SiloAddress, n.Status, n.Self,
                n.StartedAt, n.Report?.ResidentWorkers, n.Report?.MemoryUsed, n.Report?.MemoryBudget)).ToList()));
}

/// <summary>The cluster as the API shows it.</summary>
/// <param name="Mode"><c>single</c> (embedded storage) or <c>cluster</c> (PostgreSQL).</param>
/// <param name="Nodes">Its nodes.</param>
public sealed record ClusterDto(string Mode, IReadOnlyList<NodeDto> Nodes);

/// <summary>A node as the API shows it; the figures are null when it did not answer.</summary>
public sealed record NodeDto(string Url, string SiloAddress, string Status, bool Self, DateTimeOffset StartedAt, int? ResidentWorkers,
    long? MemoryUsed, long? MemoryBudget);
