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
