using Clay.Runtime.Components;

namespace Clay.Runtime.Execution;

/// <summary>Resolves component versions to their loaded model. Implementations cache loaded components.</summary>
public interface IComponentCatalog
{
    /// <summary>The latest version of <paramref name="component"/>.</summary>
    /// <exception cref="Errors.ClayException">With code <c>component-not-found</c>.</exception>
    ValueTask<LoadedComponent> GetLatestAsync(string component, CancellationToken cancellationToken = default);

    /// <summary>A specific version of <paramref name="component"/>.</summary>
    /// <exception cref="Errors.ClayException">With code <c>component-not-found</c>.</exception>
    ValueTask<LoadedComponent> GetAsync(string component, long version, CancellationToken cancellationToken = default);
}

/// <summary>A component version ready to run.</summary>
/// <param name="Name">The component's name.</param>
/// <param name="Version">The version, from 0.</param>
/// <param name="Size">The package size in bytes.</param>
/// <param name="Model">The loaded model.</param>
public sealed record LoadedComponent(string Name, long Version, long Size, ComponentModel Model);
