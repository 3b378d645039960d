using Clay.Runtime.Components;
using Clay.Runtime.Errors;
using Clay.Runtime.Execution;

namespace Clay.Testing.Replay;

/// <summary>The one component a replay runs: the code under test stands for whatever version the history recorded.</summary>
internal sealed class ReplayCatalog(string name, ComponentModel model) : IComponentCatalog
{
    public ValueTask<LoadedComponent> GetLatestAsync(string component, CancellationToken cancellationToken = default) =>
        GetAsync(component, 0, cancellationToken);

    public ValueTask<LoadedComponent> GetAsync(string component, long version, CancellationToken cancellationToken = default) =>
        component == name
            ? ValueTask.FromResult(new LoadedComponent(name, version, 0, model))
            : throw new ClayException(ErrorCodes.ComponentNotFound, $"the replay of a worker of {name} cannot run component {component}");
}
