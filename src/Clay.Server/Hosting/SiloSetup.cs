using System.Net;
using System.Net.Sockets;
using Clay.Cluster.Nodes;
using Clay.Cluster.Serialization;
using Clay.Server.Cluster;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Serialization;

namespace Clay.Server.Hosting;

/// <summary>
/// The node's Orleans silo: alone on localhost clustering, or a member of the cluster whose
/// membership table is in the cluster's PostgreSQL database. Either way the silo's name is the
/// node's REST address, which <c>clay server status</c> shows for every member.
/// </summary>
internal static class SiloSetup
{
    /// <summary>Configures the silo for <paramref name="options"/>; <paramref name="cluster"/> is null for a single node.</summary>
    public static void Configure(ISiloBuilder silo, ServerOptions options, ClusterDatabase? cluster)
    {
        silo.Services.AddSerializer(serializer => serializer.AddClaySerialization());
        silo.Services.AddPlacementDirector<NodePlacementStrategy, NodePlacementDirector>();
        // Clay's placements (local for workers, by node for nodes) read no load statistics: none are
        // published every second, and the process's figures are computed only when Orleans asks.
        silo.Configure<DeploymentLoadPublisherOptions>(o => o.DeploymentLoadPublisherRefreshTime = TimeSpan.Zero);
        silo.Services.RemoveAll<Orleans.Statistics.IEnvironmentStatisticsProvider>();
        silo.Services.AddSingleton<Orleans.Statistics.IEnvironmentStatisticsProvider, OnDemandEnvironmentStatistics>();
        silo.Configure<ClusterOptions>(o => { o.ClusterId = "clay"; o.ServiceId = "clay"; });
        silo.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionQuantum = TimeSpan.FromSeconds(Math.Clamp(options.MaxIdle.TotalSeconds / 2, 1, 60));
            o.CollectionAge = options.MaxIdle > o.CollectionQuantum ? options.MaxIdle : o.CollectionQuantum + TimeSpan.FromSeconds(1);
        });
        if (cluster is null)
        {
            // Neither may be the REST port, which is bound after the silo starts, nor the same as the other.
            var siloPort = NodeAddress.FreePort(IPAddress.Loopback, options.Port);
            silo.UseLocalhostClustering(siloPort, NodeAddress.FreePort(IPAddress.Loopback, options.Port, siloPort));
            silo.Services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Membership, new SingleNodeMembershipClock());
            // Alone, every activation's address is in this node's own directory partition: a cache of
            // remote addresses would only cost each worker an entry (and a preallocated million-entry table).
            silo.Configure<GrainDirectoryOptions>(o => o.CachingStrategy = GrainDirectoryOptions.CachingStrategyType.None);
            silo.Configure<SiloOptions>(o => o.SiloName = RestUrl(options, IPAddress.Loopback));
            return;
        }

        var advertised = options.Advertise ?? NodeAddress.TowardsDatabase(cluster.Host, cluster.Port);
        var clusterSiloPort = options.SiloPort != 0 ? options.SiloPort : NodeAddress.FreePort(advertised, options.Port);
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = "Npgsql";
            o.ConnectionString = cluster.OrleansConnectionString;
        });
        silo.Configure<EndpointOptions>(o =>
        {
            // The nodes talk to each other on the silo port; no Orleans client connects from outside
            // (clients use the REST API), so there is no gateway.
            o.AdvertisedIPAddress = advertised;
            o.SiloPort = clusterSiloPort;
            o.GatewayPort = 0;
        });
        silo.Configure<SiloOptions>(o => o.SiloName = RestUrl(options, advertised));
    }

    /// <summary>Where clients reach this node's REST API.</summary>
    public static string RestUrl(ServerOptions options, IPAddress advertised)
    {
        var host = options.Listen.Equals(IPAddress.Any) || options.Listen.Equals(IPAddress.IPv6Any) ? advertised : options.Listen;
        return $"http://{FormatHost(host)}:{options.Port}";
    }

    /// <summary>An address as it goes in a URL.</summary>
    public static string FormatHost(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
