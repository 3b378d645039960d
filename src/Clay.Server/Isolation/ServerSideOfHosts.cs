using Clay.Cluster.Hosts;
using Clay.Cluster.Workers;
using Clay.Runtime;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Clay.Runtime.Errors;
using Clay.Server.Components;

namespace Clay.Server.Isolation;

/// <summary>
/// Answers what component hosts ask of the server: the oplog store, where component versions are,
/// the per-component worker quota. Hosts reach nothing else of the server.
/// </summary>
internal sealed class ServerSideOfHosts(IOplogStore store, ComponentRegistry registry, Workers.IWorkerQuota? quota,
    ClayMetrics? metrics, IWorkerWakeUps? wakeUps, IWorkerCaller? workers, Action<WorkerId, long, Runtime.Oplog.OplogEntry.Log>? logSink = null,
    ILoggerFactory? loggerFactory = null)
{
    /// <summary>The most bytes of entries one read answer carries; the host asks again for the rest.</summary>
    private const int ReadChunkBytes = 1 << 20;

    /// <summary>Answers one call of a host serving <paramref name="component"/>; a host asks only about its own component's workers.</summary>
    public async Task<object?> HandleAsync(string component, object call)
    {
        switch (call)
        {
            case StoreCall s:
                return await StoreAsync(new WorkerId(component, s.Worker), s);
            case CatalogCall c when c.Component == component:
                return await LocateAsync(c.Component, c.Version < 0 ? null : c.Version, CancellationToken.None);
            case AdmitCall a when a.Component == component:
                // A worker its door admitted already (two first calls at once, the other one first in the host) is not counted twice.
                if (quota is not null && !_admittedByDoor.TryRemove(new WorkerId(a.Component, a.Worker), out _))
                {
                    await quota.AdmitAsync(new WorkerId(a.Component, a.Worker), CancellationToken.None);
                }
                return null;
            case WorkerCallCall w:
                // A call from worker code to any worker: it goes through that worker's own door, as calls in one process do.
                if (workers is null) throw new ClayException(ErrorCodes.Internal, "this server does not connect workers");
                var target = new WorkerId(w.Component, w.Worker);
                var workerCall = new WorkerCall(w.Function, w.WaveArguments, w.IdempotencyKey, w.CallChain) { ScheduleAt = w.ScheduleAt };
                if (w.Enqueue)
                {
                    await workers.EnqueueAsync(target, workerCall, CancellationToken.None);
                    return new WorkerCallResult(null);
                }
                return new WorkerCallResult(await workers.InvokeAsync(target, workerCall, CancellationToken.None));
            default:
                throw new InvalidOperationException($"the component host of {component} may not ask {call}");
        }
    }

    /// <summary>
    /// Admits a worker the server has just found without an oplog under the worker quota, and says
    /// where its component's latest version is: its host creates it there without asking for either.
    /// </summary>
    /// <exception cref="ClayException"><c>component-not-found</c> or <c>too-many-workers</c>.</exception>
    public async Task<ComponentLocation> AdmitNewAsync(WorkerId worker, CancellationToken cancellationToken)
    {
        // Located first: a component that does not exist admits nothing.
        var latest = await LocateAsync(worker.Component, null, cancellationToken);
        await AdmitAsync(worker, cancellationToken);
        return latest;
    }

    /// <summary>Admits <paramref name="worker"/> under the worker quota for its door (see <see cref="AdmitNewAsync"/>).</summary>
    internal async ValueTask AdmitAsync(WorkerId worker, CancellationToken cancellationToken)
    {
        if (quota is null) return;
        await quota.AdmitAsync(worker, cancellationToken);
        _admittedByDoor[worker] = 0;
    }

    /// <summary>
    /// After the call a door admitted <paramref name="worker"/> for has failed: gives the admission back
    /// unless the worker was created after all (or its host claimed the admission). What the host
    /// handed over before the failure lands first, so a creation on its way to the store counts: a
    /// host that crashed right after handing over the worker's first entries has created it.
    /// </summary>
    public async Task ReleaseUnlessCreatedAsync(WorkerId worker)
    {
        await SettledAsync(worker);
        if (await store.GetLastIndexAsync(worker, CancellationToken.None) == 0 && _admittedByDoor.TryRemove(worker, out _)) quota?.Release(worker);
    }

    /// <summary>The call a door admitted a worker for has ended: the admission is no longer the host's to claim.</summary>
    public void Settle(WorkerId worker) => _admittedByDoor.TryRemove(worker, out _);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<WorkerId, byte> _admittedByDoor = new();

    private async Task<ComponentLocation> LocateAsync(string component, long? version, CancellationToken cancellationToken)
    {
        var record = await registry.LocateAsync(component, version, cancellationToken);
        // Asked for on every new worker: made once per record, its directory's path included.
        return _locations.GetOrAdd(record, static (r, registry) => new ComponentLocation(r.Name, r.Version, r.Size, registry.DirectoryOf(r), r.EntryAssembly), registry);
    }

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ComponentRecord, ComponentLocation> _locations = new();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, HostResidency> _residency = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _allocated = new(StringComparer.Ordinal);
    private long _allocatedByEnded;

    /// <summary>Workers in memory in every host, at their last reports.</summary>
    public int Resident => _residency.Values.Sum(r => r.Resident);

    /// <summary>Invocations queued in the workers of every host, at their last reports.</summary>
    public long Pending => _residency.Values.Sum(r => r.Pending);

    /// <summary>Workers running an invocation in every host, at their last reports.</summary>
    public int Running => _residency.Values.Sum(r => r.Running);

    /// <summary>The estimated memory of the workers in every host, at their last reports.</summary>
    public long MemoryUsed => _residency.Values.Sum(r => r.MemoryUsed);

    /// <summary>
    /// Lets go of the door to a worker its host has evicted, given the calls the host had received for it
    /// (<see cref="HostEvictions"/>): the door goes unless a call has been sent since.
    /// </summary>
    public Action<WorkerId, long>? LetGo { get; set; }

    /// <summary>Called on the channel's reading thread when a host has reported its residency (see <see cref="UsedByHost"/>).</summary>
    public Action<string>? Reported { get; set; }

    /// <summary>The estimated memory of each running host's workers, by component, at their last reports.</summary>
    public Dictionary<string, long> UsedByHost() => _residency.ToDictionary(r => r.Key, r => r.Value.MemoryUsed, StringComparer.Ordinal);

    /// <summary>Takes a notice of a host.</summary>
    public void Notice(string component, object notice)
    {
        switch (notice)
        {
            case HostNotice { RecoveredTicks: > 0 } recovered when recovered.Component == component:
                metrics?.Recovered(TimeSpan.FromTicks(recovered.RecoveredTicks));
                break;
            case HostWakeAt wake when wake.Component == component:
                wakeUps?.WakeAt(new WorkerId(wake.Component, wake.Worker), wake.At);
                break;
            case HostLogLine line:
                PassOn(component, line);
                break;
            case StoreCall { Operation: StoreOperation.Append } handedOver:
                HandOver(new WorkerId(component, handedOver.Worker), handedOver);
                break;
            case HostMeasurements measurements:
                foreach (var m in measurements.Items) Runtime.Diagnostics.ClayTelemetry.Record(m.Instrument, m.Values ?? [m.Value], m.Tags);
                break;
            case HostEvictions evictions when evictions.Component == component && LetGo is { } letGo:
                // A host's notice is not trusted further than its own component: a malformed one lets go of nothing more.
                for (var i = 0; i < Math.Min(evictions.Workers.Length, evictions.CallsSeen.Length); i++)
                {
                    letGo(new WorkerId(component, evictions.Workers[i]), evictions.CallsSeen[i]);
                }
                break;
            case HostAllocations allocations:
                _allocated[component] = allocations.Bytes;
                break;
            case HostResidency residency:
                _residency[component] = residency;
                if (residency.Evicted > 0) metrics?.Evicted(residency.Evicted);
                Reported?.Invoke(component);
                break;
        }
    }

    private readonly ILogger _workerLog = (loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance)
        .CreateLogger(Runtime.Diagnostics.WorkerLogForwarder.Category);

    /// <summary>
    /// A worker's live log line from its host: to the server's log, in its invocation's scope (a line
    /// scope of the console's, <see cref="Hosting.LineScopes"/>), and to the live streams.
    /// </summary>
    private void PassOn(string component, HostLogLine line)
    {
        var worker = new WorkerId(component, line.Worker);
        var entry = new Runtime.Oplog.OplogEntry.Log(line.Timestamp, (Sdk.WorkerLogLevel)line.Level, line.Context, line.Message);
        using (Hosting.LineScopes.Enter(line.Function is null ? null : new Runtime.Diagnostics.WorkerLogScope(worker, line.Function, line.InvocationKey ?? "")))
        {
            Runtime.Diagnostics.WorkerLogForwarder.Write(_workerLog, worker, entry);
        }
        logSink?.Invoke(worker, line.Index, entry);
    }

    /// <summary>
    /// After the host of <paramref name="component"/> crashed: its workers whose marks say they have work
    /// in flight or queued (but those <paramref name="skip"/> names), to be woken so that what they were
    /// doing goes on in a new host, as it would after a restart, without waiting for someone to call them.
    /// </summary>
    public async Task<IReadOnlyList<WorkerId>> PendingAsync(string component, Func<WorkerId, bool> skip)
    {
        var pending = new List<WorkerId>();
        await foreach (var marked in store.ListMarkedWorkersAsync(component))
        {
            if (marked.Mark.HasPendingWork && !skip(marked.Worker)) pending.Add(marked.Worker);
        }
        return pending;
    }

    /// <summary>Hands <paramref name="worker"/> to the wake-up timers, to be woken now and again after a failed try.</summary>
    public void WakeSoon(WorkerId worker) => wakeUps?.WakeAt(worker, DateTimeOffset.UtcNow);

    /// <summary>A host ended: its workers are no longer in memory.</summary>
    public void Ended(string component)
    {
        _residency.TryRemove(component, out _);
        if (_allocated.TryRemove(component, out var bytes)) Interlocked.Add(ref _allocatedByEnded, bytes);
    }

    /// <summary>Bytes the runtimes of the hosts allocated, those that ended included, at their last reports.</summary>
    public long Allocated => Interlocked.Read(ref _allocatedByEnded) + _allocated.Values.Sum();

    private IPromiseStore Promises => store as IPromiseStore
        ?? throw new ClayException(ErrorCodes.StorageUnavailable, "this oplog store cannot keep promises");

    /// <summary>
    /// The appends hosts handed over (see <see cref="IOplogHandOver"/>) that are not durable yet, or
    /// that failed, by worker: the latest of each worker's, which is durable only once all of the
    /// worker's before it are. A failed one stays until the worker's last index is read again (its host
    /// reopening it from what is durable).
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<WorkerId, HandedOver> _handedOver = new();

    /// <summary>
    /// An append a host handed over, which forgets itself once durable: its own continuation of the
    /// store's task (no state machine, no closure per append on the path of every invocation).
    /// </summary>
    private sealed class HandedOver(ServerSideOfHosts owner, WorkerId worker, Task append, long started)
    {
        public Task Append => append;

        /// <summary>Lets go of it once it is durable; a failed one is kept (the worker's door and its writer learn of it from here).</summary>
        public void Forget()
        {
            if (!append.IsCompletedSuccessfully) return;
            Runtime.Diagnostics.ClayTelemetry.Committed(System.Diagnostics.Stopwatch.GetElapsedTime(started));
            owner._handedOver.TryRemove(KeyValuePair.Create(worker, this));
        }
    }

    /// <summary>
    /// Starts the append a host handed over. Called on the channel's reading thread: the store queues
    /// the write before this returns, so it goes in ahead of every call the host sent after it.
    /// </summary>
    private void HandOver(WorkerId worker, StoreCall call)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Task append;
        try
        {
            append = store.AppendAsync(worker, call.A, Entries(call), Mark(call)).AsTask();
        }
        catch (Exception ex)
        {
            // A store that refuses at once (a conflict) is a failed append like any other, not the reading thread's end.
            append = Task.FromException(ex);
        }
        var handed = new HandedOver(this, worker, append, started);
        _handedOver[worker] = handed;
        if (append.IsCompleted) handed.Forget();
        else append.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(handed.Forget);
    }

    /// <summary>
    /// Completes once what <paramref name="worker"/>'s host has handed over so far is durable; throws why
    /// it is not. A door waits for this before it answers anything its host told it.
    /// </summary>
    public ValueTask DurableAsync(WorkerId worker) =>
        _handedOver.TryGetValue(worker, out var handed) && !handed.Append.IsCompletedSuccessfully ? new ValueTask(handed.Append) : ValueTask.CompletedTask;

    /// <summary>Whether nothing <paramref name="worker"/>'s host handed over waits to be durable (or failed).</summary>
    public bool IsDurable(WorkerId worker) => !_handedOver.TryGetValue(worker, out var handed) || handed.Append.IsCompletedSuccessfully;

    /// <summary>
    /// Waits until every append <paramref name="worker"/>'s host sent, handed over or asked for, has
    /// landed, durable or not, so a read of the store sees all of it that is durable (also after the host
    /// crashed: what it had accepted before it ended); with <paramref name="reopening"/>, a failed
    /// hand-over is forgotten: the host is reading where the worker's durable oplog ends.
    /// </summary>
    public async ValueTask SettledAsync(WorkerId worker, bool reopening = false)
    {
        // Landed as a failure too: the read shows what is durable.
        if (_handedOver.TryGetValue(worker, out var handed))
        {
            await handed.Append.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (reopening && !handed.Append.IsCompletedSuccessfully) _handedOver.TryRemove(KeyValuePair.Create(worker, handed));
        }
        if (_appending.TryGetValue(worker, out var append)) await append.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Appends hosts asked for and wait for (not handed over), by worker: the latest of each worker's.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<WorkerId, Task> _appending = new();

    private static IReadOnlyList<ReadOnlyMemory<byte>> Entries(StoreCall call) =>
        call.Entries is { Length: > 0 } payloads ? new EntryList(payloads) : [];

    /// <summary>An append's entries as the store takes them, over the arrays the frame was read into: no second array per append.</summary>
    private sealed class EntryList(byte[][] payloads) : IReadOnlyList<ReadOnlyMemory<byte>>
    {
        public int Count => payloads.Length;

        public ReadOnlyMemory<byte> this[int index] => payloads[index];

        public IEnumerator<ReadOnlyMemory<byte>> GetEnumerator()
        {
            foreach (var payload in payloads) yield return payload;
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static WorkerMark? Mark(StoreCall call) =>
        call.Mark?.ToMark();

    private async Task<object?> StoreAsync(WorkerId worker, StoreCall call)
    {
        switch (call.Operation)
        {
            case StoreOperation.Append:
                // Queued before the first wait (this runs on the channel's reading thread): in order with hand-overs.
                var append = store.AppendAsync(worker, call.A, Entries(call), Mark(call)).AsTask();
                _appending[worker] = append;
                try
                {
                    await append;
                }
                finally
                {
                    _appending.TryRemove(KeyValuePair.Create(worker, append));
                }
                return null;
            case StoreOperation.Sync:
                await DurableAsync(worker);
                return null;
            case StoreOperation.GetMark:
                await SettledAsync(worker);
                return await store.GetMarkAsync(worker) is { } mk ? MarkData.Of(mk) : null;
            case StoreOperation.Read:
                await SettledAsync(worker);
                var payloads = new List<byte[]>();
                long first = 0, bytes = 0;
                await foreach (var entry in store.ReadAsync(worker, call.A, call.B))
                {
                    if (payloads.Count == 0) first = entry.Index;
                    payloads.Add(entry.Payload.ToArray());
                    bytes += entry.Payload.Length;
                    if (bytes >= ReadChunkBytes) break;
                }
                return new StoredEntries(first, [.. payloads]);
            case StoreOperation.LastIndex:
                await SettledAsync(worker, reopening: true);
                return await store.GetLastIndexAsync(worker);
            case StoreOperation.Delete:
                await store.DeleteAsync(worker);
                return null;
            case StoreOperation.Truncate:
                await store.TruncateAsync(worker, call.A);
                return null;
            case StoreOperation.Wake:
                await store.WakeAsync(worker, DateTimeOffset.FromUnixTimeMilliseconds(call.A));
                return null;
            case StoreOperation.CompletePromise:
                return await Promises.CompleteAsync(worker, call.A, (call.Entries ?? [[]])[0], DateTimeOffset.FromUnixTimeMilliseconds(call.B));
            case StoreOperation.GetPromise:
                return await Promises.GetAsync(worker, call.A);
            default:
                throw new InvalidOperationException($"unknown store operation {call.Operation}");
        }
    }
}
