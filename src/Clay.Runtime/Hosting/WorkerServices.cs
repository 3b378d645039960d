using Clay.Runtime.Execution;
using Clay.Runtime.Residency;
using Clay.Runtime.Storage;

namespace Clay.Runtime.Hosting;

/// <summary>
/// What a worker host gives the workers it runs: storage, components, settings and the residency
/// book. Workers reach everything outside themselves through these interfaces, so the same code runs
/// in the server's grains, in tests and benchmarks, and in an isolated component host.
/// </summary>
/// <param name="Store">The oplog store.</param>
/// <param name="Catalog">The component versions.</param>
/// <param name="Options">Settings shared by the workers.</param>
/// <param name="Residency">The workers in memory in this process.</param>
public sealed record WorkerServices(IOplogStore Store, IComponentCatalog Catalog, WorkerExecutorOptions Options, ResidentWorkers Residency)
{
    /// <summary>Told how long each recovery of a worker from its oplog took.</summary>
    public Action<WorkerId, TimeSpan>? Recovered { get; init; }

    /// <summary>Told when a worker was deleted (for example to give back its place in a quota).</summary>
    public Action<WorkerId>? Deleted { get; init; }

    /// <summary>
    /// Opens the door to a worker: null runs its code in this process (a <see cref="WorkerActivation"/>);
    /// a server that isolates component code gives doors to its component hosts.
    /// </summary>
    public Func<WorkerId, WorkerServices, IWorkerDoor>? OpenDoor { get; init; }

    /// <summary>The door to <paramref name="id"/>: through <see cref="OpenDoor"/> when set, else in this process.</summary>
    public IWorkerDoor Door(WorkerId id) => OpenDoor?.Invoke(id, this) ?? new WorkerActivation(id, this);

    /// <summary>How long one oplog read may scan before it answers with what it found and where to go on.</summary>
    public TimeSpan OplogReadTimeLimit { get; init; } = TimeSpan.FromSeconds(10);
}
