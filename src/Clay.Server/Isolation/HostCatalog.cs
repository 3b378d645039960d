using System.Collections.Concurrent;
using Clay.Cluster.Hosts;
using Clay.Runtime.Components;
using Clay.Runtime.Execution;
using Clay.Server.Components;

namespace Clay.Server.Isolation;

/// <summary>
/// The component versions as a component host sees them: the server says where a version's files
/// are (the registry stays in the server), the host loads them itself, once per version.
/// </summary>
internal sealed class HostCatalog(HostChannel channel) : IComponentCatalog
{
    private readonly ConcurrentDictionary<(string, long), Lazy<LoadedComponent>> _loaded = new();

    /// <inheritdoc/>
    public async ValueTask<LoadedComponent> GetLatestAsync(string component, CancellationToken cancellationToken = default) =>
        Load((ComponentLocation)(await channel.CallAsync(new CatalogCall(component, -1), cancellationToken))!);

    /// <inheritdoc/>
    /// <remarks>
    /// The server is asked each time (a worker is opened far less often than it is called): a version
    /// deleted since it was loaded here is refused as it is in the server, its assembly is not reused.
    /// </remarks>
    public async ValueTask<LoadedComponent> GetAsync(string component, long version, CancellationToken cancellationToken = default) =>
        Load((ComponentLocation)(await channel.CallAsync(new CatalogCall(component, version), cancellationToken))!);

    /// <summary>The version at <paramref name="location"/>, loaded once.</summary>
    public LoadedComponent Load(ComponentLocation location) =>
        _loaded.GetOrAdd((location.Name, location.Version), _ => new Lazy<LoadedComponent>(() =>
        {
            var context = new ComponentLoadContext(location.Directory);
            var assembly = context.LoadFromAssemblyPath(Path.Combine(location.Directory, location.EntryAssembly));
            return new LoadedComponent(location.Name, location.Version, location.Size, ComponentModel.Load(assembly));
        })).Value;
}
