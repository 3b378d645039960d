using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Storage;

namespace Clay.Server.Workers;

/// <summary>
/// Counts each component's workers and refuses a new one beyond <c>--max-workers</c> with
/// <c>too-many-workers</c>. Counted from the oplog store at start-up, then kept up to date as
/// workers are created and deleted.
/// </summary>
public sealed class WorkerQuota(long maxWorkersPerComponent) : IWorkerQuota
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    /// <summary>The limit per component.</summary>
    public long MaxWorkersPerComponent => maxWorkersPerComponent;

    /// <summary>Counts the workers already stored.</summary>
    public async Task LoadAsync(IOplogStore store, CancellationToken cancellationToken = default)
    {
        var counts = await store.CountWorkersAsync(cancellationToken);
        lock (_counts)
        {
            foreach (var (component, count) in counts) _counts[component] = count;
        }
    }

    /// <summary>The number of workers of <paramref name="component"/>.</summary>
    public long CountOf(string component)
    {
        lock (_counts) return _counts.GetValueOrDefault(component);
    }

    /// <inheritdoc/>
    public ValueTask AdmitAsync(WorkerId worker, CancellationToken cancellationToken)
    {
        Admit(worker);
        return ValueTask.CompletedTask;
    }

    /// <summary>Admits one more worker of its component, or throws <c>too-many-workers</c>.</summary>
    public void Admit(WorkerId worker)
    {
        lock (_counts)
        {
            var count = _counts.GetValueOrDefault(worker.Component);
            if (count >= maxWorkersPerComponent)
            {
                throw new ClayException(ErrorCodes.TooManyWorkers,
                    $"component {worker.Component} already has {count:N0} workers; the limit is {maxWorkersPerComponent:N0} (--max-workers): delete some or raise the limit");
            }
            _counts[worker.Component] = count + 1;
        }
    }

    /// <summary>Records that a worker was deleted.</summary>
    public void Release(WorkerId worker)
    {
        lock (_counts)
        {
            if (_counts.TryGetValue(worker.Component, out var count) && count > 0) _counts[worker.Component] = count - 1;
        }
    }
}
