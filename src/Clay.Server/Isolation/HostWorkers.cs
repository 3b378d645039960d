using System.Collections.Concurrent;
using Clay.Cluster.Hosts;
using Clay.Cluster.Workers;
using Clay.Runtime;
using Clay.Runtime.Execution;
using Clay.Runtime.History;
using Clay.Runtime.Hosting;

namespace Clay.Server.Isolation;

/// <summary>
/// The workers of a component host: one <see cref="WorkerActivation"/> each — the executor code the
/// server runs in its own process — answering the server's calls, and evicting idle workers beyond
/// the host's memory budget.
/// </summary>
internal sealed class HostWorkers(string component, WorkerServices services, HostCatalog catalog, long memoryBudget) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<WorkerId, Held> _workers = new();
    private readonly Runtime.Residency.DroppedMemory _dropped = new(memoryBudget / 4);
    /// <summary>The host's share of the server's budget: the whole budget until the server tells it its share.</summary>
    private long _budget = memoryBudget;

    /// <summary>Answers one call of the server.</summary>
    public async Task<object?> HandleAsync(object call)
    {
        switch (call)
        {
            case HostInvoke invoke:
            {
                using var span = HostTelemetry.StartCall(invoke.Function, invoke.TraceParent);
                var activation = Activation(new WorkerId(component, invoke.Worker));
                var request = invoke.NewWorkerOn is { } latest ? invoke.ToInvocation() with { NewWorkerOn = catalog.Load(latest) } : invoke.ToInvocation();
                if (invoke.Enqueue)
                {
                    var key = await activation.EnqueueAsync(request);
                    return HostInvokeReply.For(invoke, key, invoke.Function, null);
                }
                var result = await activation.InvokeAsync(request);
                return HostInvokeReply.For(invoke, result.IdempotencyKey, result.FunctionName, result.Result);
            }
            case HostWorkerCall worker:
                return await HandleAsync(worker);
            default:
                throw new InvalidOperationException($"a component host does not answer {call.GetType().Name}");
        }
    }

    private async Task<object?> HandleAsync(HostWorkerCall call)
    {
        var id = new WorkerId(call.Component, call.Worker);
        switch (call.Operation)
        {
            case HostOperation.SetBudget:
                Volatile.Write(ref _budget, call.Number);
                return null;
            case HostOperation.ListResident:
                return services.Residency.Snapshot().Select(r => r.Executor).Where(e => !e.IsBroken).Select(e => e.GetInfo()).ToArray();
            case HostOperation.Create:
                return await Activation(id).CreateAsync(call.Creation ?? WorkerCreation.Default);
            case HostOperation.GetInfo:
                return await Activation(id).GetInfoAsync();
            case HostOperation.TryEvict:
                return _workers.TryGetValue(id, out var resident) ? await resident.Activation.TryEvictAsync() switch { true => 1, false => 0, null => -1 } : -1;
            case HostOperation.IsBusy:
                return _workers.TryGetValue(id, out var held) && await held.Activation.IsBusyAsync() ? 1 : 0;
            case HostOperation.Delete:
                await Activation(id).DeleteAsync();
                if (_workers.TryRemove(id, out var deleted)) await deleted.Activation.DisposeAsync();
                return null;
            case HostOperation.Close:
                if (_workers.TryRemove(id, out var closed)) await closed.Activation.DisposeAsync();
                return null;
            case HostOperation.Wake:
                await Activation(id).WakeAsync();
                return null;
            case HostOperation.CompletePromise:
                await Activation(id).CompletePromiseAsync(call.Number, call.Text ?? "");
                return null;
            case HostOperation.GetSchedules:
                return (await Activation(id).GetSchedulesAsync())
                    .Select(s => new HostSchedule(s.Index, s.FunctionName, [.. s.Arguments], s.IdempotencyKey, s.DueAt)).ToArray();
            case HostOperation.CancelInvocation:
                await Activation(id).CancelInvocationAsync(call.Text ?? "");
                return null;
            case HostOperation.Resume:
                return await Activation(id).ResumeAsync();
            case HostOperation.Interrupt:
                return await Activation(id).InterruptAsync(recoverImmediately: call.Number == 1);
            case HostOperation.Revert:
                return await Activation(id).RevertAsync(call.Count > 0 ? RevertTarget.Invocations(call.Count) : RevertTarget.ToOplogIndex(call.Number));
            case HostOperation.Update:
                return await Activation(id).UpdateAsync(call.Number, call.Count == 1 ? Runtime.Oplog.UpdateMode.Manual : Runtime.Oplog.UpdateMode.Automatic);
            case HostOperation.Fork:
                return await Activation(id).ForkFromAsync(new WorkerId(call.Component, call.Text ?? ""), call.Number);
            default:
                throw new InvalidOperationException($"unknown operation {call.Operation}");
        }
    }

    /// <summary>The worker's activation, counting the call that needs it (see <see cref="HostEvictions"/>).</summary>
    private WorkerActivation Activation(WorkerId id)
    {
        var held = _workers.GetOrAdd(id, static (id, services) => new Held(new WorkerActivation(id, services)), services);
        Interlocked.Increment(ref held.Calls);
        return held.Activation;
    }

    /// <summary>
    /// Evicts idle workers, least recently used first, while the host is over its budget (as the
    /// server's residency does); returns what is resident then and how many were evicted, and which
    /// (null when none), each with the calls it had received: the server lets go of their doors.
    /// </summary>
    public async Task<(HostResidency Residency, HostEvictions? Evicted)> EnforceBudgetAsync(string component)
    {
        var (count, used, pending, running) = Look();
        var memoryBudget = Volatile.Read(ref _budget);
        if (used <= memoryBudget) return (new HostResidency(count, used, 0, pending, running), null);
        // As the server's residency: back under 90 % of the budget, idle, failed, exited or waiting (a sleep, a promise) workers first.
        List<(string Worker, long Calls)>? evicted = null;
        used = await services.Residency.EvictLeastRecentlyUsedAsync(used, memoryBudget / 10 * 9, async (executor, cost) =>
        {
            if (!_workers.TryGetValue(executor.Id, out var held)) return false;
            // Read before the eviction: a call that comes meanwhile counts after it, and keeps the server's door.
            var calls = Volatile.Read(ref held.Calls);
            if (!await held.Activation.EvictAsync()) return false;
            _dropped.Dropped(cost);
            (evicted ??= []).Add((executor.Id.Worker, calls));
            return true;
        });
        if (evicted is null) return (new HostResidency(count, used, 0, pending, running), null);
        (count, _, pending, running) = Look();
        return (new HostResidency(count, used, evicted.Count, pending, running),
            new HostEvictions(component, [.. evicted.Select(e => e.Worker)], [.. evicted.Select(e => e.Calls)]));
    }

    /// <summary>
    /// The resident workers: how many and what they are charged (kept by the residency as they change),
    /// with their pending and running invocations, counted in a pass over all of them at most once a
    /// second (<see cref="InvocationsCountedEvery"/>): a gauge, where the budget needs only the first two.
    /// </summary>
    private (int Count, long Used, long Pending, int Running) Look()
    {
        var residency = services.Residency;
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_invocationsCountedAt != 0 && System.Diagnostics.Stopwatch.GetElapsedTime(_invocationsCountedAt, now) < InvocationsCountedEvery)
        {
            return (residency.Count, residency.Used, _invocations.Pending, _invocations.Running);
        }
        var tally = residency.Tally();
        _invocations = (tally.Pending, tally.Running);
        _invocationsCountedAt = now;
        return (tally.Count, tally.Used, tally.Pending, tally.Running);
    }

    /// <summary>How often <see cref="Look"/> counts the invocations.</summary>
    internal static readonly TimeSpan InvocationsCountedEvery = TimeSpan.FromSeconds(1);

    // Read and written only by the budget's loop.
    private (long Pending, int Running) _invocations;
    private long _invocationsCountedAt;

    /// <summary>Closes every worker.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var held in _workers.Values) await held.Activation.DisposeAsync();
        _workers.Clear();
    }

    /// <summary>A worker's activation and how many of the server's calls it has received.</summary>
    private sealed class Held(WorkerActivation activation)
    {
        public WorkerActivation Activation { get; } = activation;

        public long Calls;
    }
}
