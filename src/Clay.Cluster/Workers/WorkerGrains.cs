using Clay.Runtime;
using Orleans.Runtime;

namespace Clay.Cluster.Workers;

/// <summary>
/// References to worker grains. Orleans resolves a grain's interface and class from the interface's
/// type on every <c>GetGrain&lt;T&gt;(key)</c>, formatting type names each time; a worker's reference is
/// asked for on every request, so both are resolved once here and each reference is made from them.
/// </summary>
public static class WorkerGrains
{
    /// <summary>Both types, once resolved: one object, so a thread never sees one without the other.</summary>
    private static Types? _types;

    /// <summary>The grain of <paramref name="worker"/>.</summary>
    public static IWorkerGrain Worker(this IGrainFactory grains, WorkerId worker)
    {
        ArgumentNullException.ThrowIfNull(grains);
        if (Volatile.Read(ref _types) is not { } types)
        {
            var first = grains.GetGrain<IWorkerGrain>(WorkerGrainKey.Of(worker));
            var reference = (GrainReference)(object)first;
            Volatile.Write(ref _types, new Types(reference.GrainId.Type, reference.InterfaceType));
            return first;
        }
        return (IWorkerGrain)grains.GetGrain(GrainId.Create(types.Grain, WorkerGrainKey.Span(worker)), types.Interface);
    }

    private sealed record Types(GrainType Grain, GrainInterfaceType Interface);
}
