using System.Collections.Concurrent;

namespace Clay.Runtime.Execution;

/// <summary>
/// The workers with invocations queued or under way, kept as their queues fill and empty, so that what
/// looks at invocations — a host's watchdog, its tally of pending and running invocations — looks at
/// those few and not at every resident worker: a pass over a hundred thousand idle ones costs tens of
/// milliseconds.
/// </summary>
/// <remarks>Thread-safe. Each worker is told in and out under its own lock, so its entries keep their order.</remarks>
public sealed class BusyWorkers
{
    private readonly ConcurrentDictionary<WorkerExecutor, byte> _busy = new(ReferenceEqualityComparer.Instance);

    /// <summary>The workers with invocations queued or under way, read live as the set changes.</summary>
    public IEnumerable<WorkerExecutor> Executors => _busy.Keys;

    /// <summary>How many workers have invocations queued or under way.</summary>
    public int Count => _busy.Count;

    internal void Entered(WorkerExecutor executor) => _busy.TryAdd(executor, 0);

    internal void Left(WorkerExecutor executor) => _busy.TryRemove(executor, out _);
}
