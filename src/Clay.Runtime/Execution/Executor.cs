using System.Collections.Concurrent;
using Clay.Runtime.Storage;
using Clay.Runtime.Values;

namespace Clay.Runtime.Execution;

/// <summary>
/// Hosts many workers in one process: opens each worker once (concurrent first calls share one
/// recovery), creates workers on first use, and drops workers from memory on request. The cluster
/// host puts each worker in an Orleans grain instead; both run the same <see cref="WorkerExecutor"/>.
/// </summary>
public sealed class Executor(IOplogStore store, IComponentCatalog catalog, WorkerExecutorOptions options) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<WorkerId, Lazy<Task<WorkerExecutor>>> _workers = new();
    private readonly ConcurrentDictionary<WorkerId, Arrivals> _arrivals = new();

    /// <summary>The workers now in memory.</summary>
    public int ResidentCount => _workers.Count;

    /// <summary>
    /// Invokes a function, creating the worker on first use, and waits for the result. Calls for one
    /// worker are accepted in the order they arrive here, also while the worker is still being opened.
    /// </summary>
    public Task<InvocationResult> InvokeAsync(WorkerId worker, string functionName, IReadOnlyList<Value> arguments,
        string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        var arrivals = _arrivals.GetOrAdd(worker, _ => new Arrivals());
        Task previous;
        TaskCompletionSource accepted;
        lock (arrivals)
        {
            if (arrivals.Tail.IsCompleted && TryGetResident(worker) is { IsBroken: false } resident)
            {
                // Nobody ahead is still waiting for the worker to open: accept right away.
                return resident.InvokeAsync(functionName, arguments, idempotencyKey, cancellationToken);
            }
            previous = arrivals.Tail;
            accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            arrivals.Tail = accepted.Task;
        }
        return InvokeInOrderAsync(worker, functionName, arguments, idempotencyKey, previous, accepted, cancellationToken);
    }

    private async Task<InvocationResult> InvokeInOrderAsync(WorkerId worker, string functionName, IReadOnlyList<Value> arguments,
        string? idempotencyKey, Task previous, TaskCompletionSource accepted, CancellationToken cancellationToken)
    {
        Task<InvocationResult> invocation;
        try
        {
            await previous.ConfigureAwait(false);
            var executor = await GetAsync(worker, WorkerCreation.OnFirstInvocation, cancellationToken).ConfigureAwait(false);
            // Accepted synchronously, before the next caller in line is let go.
            invocation = executor.InvokeAsync(functionName, arguments, idempotencyKey, cancellationToken);
        }
        finally
        {
            accepted.SetResult();
        }
        return await invocation.ConfigureAwait(false);
    }

    /// <summary>The order in which calls for one worker arrived while it was being opened.</summary>
    private sealed class Arrivals
    {
        public Task Tail { get; set; } = Task.CompletedTask;
    }

    /// <summary>Creates a worker explicitly.</summary>
    /// <exception cref="WorkerAlreadyExistsException">It exists.</exception>
    public async Task<WorkerInfo> CreateAsync(WorkerId worker, WorkerCreation creation, CancellationToken cancellationToken = default)
    {
        if (_workers.ContainsKey(worker) || await store.GetLastIndexAsync(worker, cancellationToken) > 0)
        {
            throw new WorkerAlreadyExistsException(worker);
        }
        var executor = await GetAsync(worker, creation, cancellationToken);
        return executor.GetInfo();
    }

    /// <summary>The worker's metadata; opens the worker if it is not in memory.</summary>
    public async Task<WorkerInfo> GetInfoAsync(WorkerId worker, CancellationToken cancellationToken = default) =>
        (await GetAsync(worker, creation: null, cancellationToken)).GetInfo();

    /// <summary>The worker if it is in memory and opened, else null.</summary>
    public WorkerExecutor? TryGetResident(WorkerId worker) =>
        _workers.TryGetValue(worker, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully ? lazy.Value.Result : null;

    /// <summary>Opens the worker (once), creating it when <paramref name="creation"/> is given and it has no oplog.</summary>
    public async Task<WorkerExecutor> GetAsync(WorkerId worker, WorkerCreation? creation, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var lazy = _workers.GetOrAdd(worker, id => new Lazy<Task<WorkerExecutor>>(
                () => WorkerExecutor.OpenAsync(id, creation, catalog, store, options, CancellationToken.None)));
            WorkerExecutor executor;
            try
            {
                executor = await lazy.Value.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // A failed open is not cached: the next call tries again.
                _workers.TryRemove(new KeyValuePair<WorkerId, Lazy<Task<WorkerExecutor>>>(worker, lazy));
                throw;
            }
            if (!executor.IsBroken) return executor;
            // Its oplog could not be written: reload from what is durable.
            if (_workers.TryRemove(new KeyValuePair<WorkerId, Lazy<Task<WorkerExecutor>>>(worker, lazy))) await executor.DisposeAsync();
        }
    }

    /// <summary>
    /// Drops an idle worker from memory. Nothing is saved: the next call rebuilds it from its oplog.
    /// Returns false if the worker is busy or not in memory.
    /// </summary>
    public async ValueTask<bool> EvictAsync(WorkerId worker)
    {
        var resident = TryGetResident(worker);
        if (resident is null || resident.IsBusy) return false;
        if (!_workers.TryRemove(worker, out var lazy)) return false;
        await (await lazy.Value).DisposeAsync();
        return true;
    }

    /// <summary>Deletes a worker and its oplog.</summary>
    public async Task DeleteAsync(WorkerId worker, CancellationToken cancellationToken = default)
    {
        if (_workers.TryRemove(worker, out var lazy))
        {
            try
            {
                await (await lazy.Value).DisposeAsync();
            }
            catch (Exception) when (lazy.Value.IsFaulted)
            {
                // It never opened; there is nothing to stop.
            }
        }
        await store.DeleteAsync(worker, cancellationToken);
    }

    /// <summary>Stops every worker, letting running invocations commit.</summary>
    public async ValueTask DisposeAsync()
    {
        var all = _workers.Values.Where(l => l.IsValueCreated).Select(l => l.Value).ToList();
        _workers.Clear();
        foreach (var task in all)
        {
            if (task.IsCompletedSuccessfully) await task.Result.DisposeAsync();
        }
    }
}
