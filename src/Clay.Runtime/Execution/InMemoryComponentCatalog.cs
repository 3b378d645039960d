using System.Collections.Concurrent;
using Clay.Runtime.Components;
using Clay.Runtime.Errors;

namespace Clay.Runtime.Execution;

/// <summary>A catalog of components registered in code: for embedding Clay and for tests.</summary>
public sealed class InMemoryComponentCatalog : IComponentCatalog
{
    private readonly ConcurrentDictionary<string, List<LoadedComponent>> _components = new(StringComparer.Ordinal);

    /// <summary>Registers a new version of <paramref name="name"/> and returns it.</summary>
    public LoadedComponent Add(string name, ComponentModel model, long size = 0)
    {
        var versions = _components.GetOrAdd(name, _ => []);
        lock (versions)
        {
            var component = new LoadedComponent(name, versions.Count, size, model);
            versions.Add(component);
            return component;
        }
    }

    /// <inheritdoc/>
    public ValueTask<LoadedComponent> GetLatestAsync(string component, CancellationToken cancellationToken = default)
    {
        var versions = Versions(component);
        lock (versions) return ValueTask.FromResult(versions[^1]);
    }

    /// <inheritdoc/>
    public ValueTask<LoadedComponent> GetAsync(string component, long version, CancellationToken cancellationToken = default)
    {
        var versions = Versions(component);
        lock (versions)
        {
            if (version < 0 || version >= versions.Count)
            {
                throw new ClayException(ErrorCodes.ComponentNotFound, $"component {component} has no version {version}");
            }
            return ValueTask.FromResult(versions[(int)version]);
        }
    }

    private List<LoadedComponent> Versions(string component) =>
        _components.TryGetValue(component, out var versions) && versions.Count > 0
            ? versions
            : throw new ClayException(ErrorCodes.ComponentNotFound, $"component {component} not found");
}
