using System.Collections.Concurrent;
using Clay.Runtime.Hosting;
using Clay.Runtime.Oplog.Display;
using Clay.Runtime.Residency;
using Clay.Runtime.Storage;
using Clay.Runtime.Values;

namespace Clay.Runtime.Execution;

/// <summary>
/// Hosts many workers in one process without a cluster, for tests, benchmarks and embedding: one
/// <see cref="WorkerActivation"/> per worker, the same door the server's grains hold, so both follow
/// the same rules (open once, arrival order, typing against the worker's version, reopen when broken).
/// </summary>
public sealed class Executor : IAsyncDisposable
{
    private readonly ConcurrentDictionary<WorkerId, WorkerActivation> _workers = new();
    private readonly WorkerServices _services;

    /// <summary>A host over <paramref name="store"/> and <paramref name="catalog"/>; its workers call each other through it unless <paramref name="options"/> says otherwise.</summary>
    public Executor(IOplogStore store, IComponentCatalog catalog, WorkerExecutorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _services = new WorkerServices(store, catalog, options.Workers is null ? options with { Workers = new ActivationCaller(Activation) } : options,
            new ResidentWorkers(options.Busy));
    }

    /// <summary>A host over <paramref name="services"/>.</summary>
    public Executor(WorkerServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
    }

    /// <summary>The workers now in memory.</summary>
    public int ResidentCount => _services.Residency.Count;

    /// <summary>What this host knows of its workers in memory.</summary>
    public Residency.ResidentWorkers Residency => _services.Residency;

    /// <summary>The door to <paramref name="worker"/>; one per worker for the life of this host.</summary>
    public WorkerActivation Activation(WorkerId worker) => _workers.GetOrAdd(worker, static (id, services) => new WorkerActivation(id, services), _services);

    /// <summary>Invokes a function, creating the worker on first use, and waits for the result.</summary>
    public Task<InvocationResult> InvokeAsync(WorkerId worker, string functionName, IReadOnlyList<Value> arguments, string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        Activation(worker).InvokeAsync(InvocationRequest.Of(functionName, arguments, idempotencyKey), cancellationToken);

    /// <summary>Invokes a function as <paramref name="request"/> describes it, and waits for the result.</summary>
    public Task<InvocationResult> InvokeAsync(WorkerId worker, InvocationRequest request, CancellationToken cancellationToken = default) =>
        Activation(worker).InvokeAsync(request, cancellationToken);

    /// <summary>Queues an invocation durably without waiting for it; returns its idempotency key.</summary>
    public Task<string> EnqueueAsync(WorkerId worker, string functionName, IReadOnlyList<Value> arguments, string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        Activation(worker).EnqueueAsync(InvocationRequest.Of(functionName, arguments, idempotencyKey), cancellationToken);

    /// <summary>Creates a worker explicitly.</summary>
    /// <exception cref="WorkerAlreadyExistsException">It exists.</exception>
    public Task<WorkerInfo> CreateAsync(WorkerId worker, WorkerCreation creation, CancellationToken cancellationToken = default) =>
        Activation(worker).CreateAsync(creation, cancellationToken);

    /// <summary>The worker's metadata.</summary>
    public Task<WorkerInfo> GetInfoAsync(WorkerId worker, CancellationToken cancellationToken = default) =>
        Activation(worker).GetInfoAsync(cancellationToken);

    /// <summary>A page of the worker's oplog.</summary>
    public Task<OplogPage> ReadOplogAsync(WorkerId worker, long from = 1, int count = 1000, string? query = null,
        CancellationToken cancellationToken = default) =>
        Activation(worker).ReadOplogAsync(from, count, query, cancellationToken);

    /// <summary>Opens the worker (once), creating it when <paramref name="creation"/> is given and it has no oplog.</summary>
    public Task<WorkerExecutor> GetAsync(WorkerId worker, WorkerCreation? creation, CancellationToken cancellationToken = default) =>
        Activation(worker).OpenAsync(creation, cancellationToken);

    /// <summary>The worker if it is in memory and opened, else null.</summary>
    public WorkerExecutor? TryGetResident(WorkerId worker) => _workers.TryGetValue(worker, out var activation) ? activation.Resident : null;

    /// <summary>
    /// Drops an idle worker from memory. Nothing is saved: the next call rebuilds it from its oplog.
    /// Returns false if the worker is busy or not in memory.
    /// </summary>
    public ValueTask<bool> EvictAsync(WorkerId worker) =>
        _workers.TryGetValue(worker, out var activation) ? activation.EvictAsync() : ValueTask.FromResult(false);

    /// <summary>Reverts a worker to <paramref name="target"/> (see <see cref="WorkerActivation.RevertAsync"/>).</summary>
    public Task<WorkerInfo> RevertAsync(WorkerId worker, History.RevertTarget target, CancellationToken cancellationToken = default) =>
        Activation(worker).RevertAsync(target, cancellationToken);

    /// <summary>Updates a worker to another version of its component (see <see cref="WorkerActivation.UpdateAsync"/>).</summary>
    public Task<WorkerInfo> UpdateAsync(WorkerId worker, long targetVersion, Oplog.UpdateMode mode, CancellationToken cancellationToken = default) =>
        Activation(worker).UpdateAsync(targetVersion, mode, cancellationToken);

    /// <summary>Creates <paramref name="target"/> as a fork of <paramref name="source"/> up to <paramref name="oplogIndex"/> (see <see cref="WorkerActivation.ForkFromAsync"/>).</summary>
    public Task<WorkerInfo> ForkAsync(WorkerId source, WorkerId target, long oplogIndex, CancellationToken cancellationToken = default) =>
        Activation(target).ForkFromAsync(source, oplogIndex, cancellationToken);

    /// <summary>Deletes a worker and its oplog.</summary>
    public Task DeleteAsync(WorkerId worker, CancellationToken cancellationToken = default) => Activation(worker).DeleteAsync(cancellationToken);

    /// <summary>Stops every worker, letting running invocations commit.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var activation in _workers.Values) await activation.DisposeAsync();
        _workers.Clear();
    }
}
