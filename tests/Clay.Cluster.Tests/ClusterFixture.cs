using Clay.Cluster.Serialization;
using Clay.Runtime.Components;
using Clay.Runtime.Execution;
using Clay.Runtime.Hosting;
using Clay.Runtime.Residency;
using Clay.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace Clay.Cluster.Tests;

/// <summary>
/// Two silos in this process over one in-memory oplog store, with the worker grain as the server
/// hosts it. Calls from the cluster client are serialized, so every request, reply, value and error
/// crosses the wire the way it does between nodes.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>Shared by both silos, as a cluster's database is.</summary>
    public static InMemoryOplogStore Store { get; } = new();

    public static InMemoryComponentCatalog Catalog { get; } = CreateCatalog();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSerializer(s => s.AddClaySerialization());
            silo.Services.AddSingleton(_ => new WorkerServices(Store, new UnreachableCatalog(Catalog), new WorkerExecutorOptions(), new ResidentWorkers()));
        });
        builder.ConfigureClient(client => client.Services.AddSerializer(s => s.AddClaySerialization()));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private static InMemoryComponentCatalog CreateCatalog()
    {
        var catalog = new InMemoryComponentCatalog();
        catalog.Add("test:cart", ComponentModel.FromType(typeof(Cart.ShoppingCart)), size: 1000);
        catalog.Add("test:waiter", ComponentModel.FromType(typeof(Clay.TestComponents.Durability.Waiter)), size: 1000);
        // Two versions of one component, for updates.
        catalog.Add("test:updatable", ComponentModel.FromType(typeof(Cart.ShoppingCart)), size: 1000);
        catalog.Add("test:updatable", ComponentModel.FromType(typeof(Cart.ShoppingCart)), size: 1001);
        return catalog;
    }
}

/// <summary>
/// <see cref="ClusterFixture.Catalog"/>, but for the component <see cref="Component"/>, whose catalog
/// cannot be reached: it fails as the PostgreSQL catalog does, with the driver's exception inside.
/// </summary>
public sealed class UnreachableCatalog(IComponentCatalog inner) : IComponentCatalog
{
    public const string Component = "test:unreachable";

    public ValueTask<LoadedComponent> GetLatestAsync(string component, CancellationToken cancellationToken = default) =>
        component == Component ? throw Unreachable() : inner.GetLatestAsync(component, cancellationToken);

    public ValueTask<LoadedComponent> GetAsync(string component, long version, CancellationToken cancellationToken = default) =>
        component == Component ? throw Unreachable() : inner.GetAsync(component, version, cancellationToken);

    private static Clay.Runtime.Errors.ClayException Unreachable() => new(Clay.Runtime.Errors.ErrorCodes.StorageUnavailable,
        "cannot read the component catalog in PostgreSQL: connection refused", new Npgsql.NpgsqlException("connection refused"));
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
