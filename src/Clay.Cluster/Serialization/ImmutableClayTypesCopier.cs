using Clay.Runtime.Execution;
using Clay.Runtime.Oplog.Display;
using Clay.Runtime.Values;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Serializers;

namespace Clay.Cluster.Serialization;

/// <summary>
/// Clay's values and the runtime's replies are immutable, so a grain call inside one silo passes
/// them by reference instead of copying them.
/// </summary>
public sealed class ImmutableClayTypesCopier : IGeneralizedCopier, IOptionalDeepCopier
{
    /// <inheritdoc/>
    public bool IsSupportedType(Type type) =>
        typeof(Value).IsAssignableFrom(type) || type == typeof(WorkerInfo) || type == typeof(OplogPage) || type == typeof(WorkerCreation);

    /// <inheritdoc/>
    public bool IsShallowCopyable() => true;

    /// <inheritdoc/>
    public object? DeepCopy(object? input, CopyContext context) => input;
}
