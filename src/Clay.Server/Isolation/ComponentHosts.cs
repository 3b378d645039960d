using System.Collections.Concurrent;
using Clay.Cluster.Hosts;
using Clay.Cluster.Workers;
using Clay.Runtime.Execution;
using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;
using Orleans.Serialization;

namespace Clay.Server.Isolation;

/// <summary>
/// Starts and supervises the component hosts: one process per component, started on first use.
/// A host that ends on its own is a crash: the calls in flight in it fail with
/// <c>component-crashed</c>, each worker that had one gets the crash in its oplog (its last error),
/// and the next call starts a fresh host after a back-off, where the workers recover by replay.
/// A worker that was in flight at <see cref="CrashLimit"/> crashes in a row is quarantined — its calls
/// fail with <c>worker-failed</c>, also after a restart (the crashes are in its oplog), until it is
/// deleted; a component whose host dies that often with no call in flight is quarantined
/// (<c>component-quarantined</c>) until a new version is deployed or the server restarts.
/// </summary>
internal sealed partial class ComponentHosts : IAsyncDisposable, Clay.Cluster.Nodes.IResidentSource
{
    /// <summary>Crashes in a row that quarantine a worker or a component.</summary>
    public const int CrashLimit = 3;

    private readonly SemaphoreSlim _warming = new(1, 1);
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly Func<string, HostSettings> _settings;
    private readonly long _heapLimit;
    private readonly string _scratch;
    private readonly Serializer _serializer;
    private readonly ServerSideOfHosts _server;
    private readonly Func<WorkerId, CancellationToken, Task> _wake;
    private readonly IOplogStore _store;
    private readonly ClayMetrics? _metrics;
    private readonly ILogger _logger;
    private volatile bool _disposed;

    /// <summary>What the hosts ask of the server, answered.</summary>
    public ServerSideOfHosts ServerSide => _server;

    /// <summary>
    /// Hosts that get <paramref name="settings"/>, at most <paramref name="heapLimit"/> bytes of heap each,
    /// scratch folders under <paramref name="scratch"/>; <paramref name="wake"/> brings a worker into memory
    /// through its door (wherever it lives) and completes once it is open.
    /// </summary>
    public ComponentHosts(Func<string, HostSettings> settings, long heapLimit, string scratch, Serializer serializer, ServerSideOfHosts server,
        Func<WorkerId, CancellationToken, Task> wake, IOplogStore store, ClayMetrics? metrics, ILogger<ComponentHosts> logger)
    {
        _wake = wake;
        _settings = settings;
        _heapLimit = heapLimit;
        _scratch = scratch;
        // Links to these scratch folders left by a server that was killed: their hosts are gone.
        HostEnvironment.DeleteStaleLinks(scratch);
        _serializer = serializer;
        _server = server;
        _store = store;
        _metrics = metrics;
        _logger = logger;
        server.Reported = Rebalance;
    }

    private long _serverFixed;
    private long _budget;

    /// <summary>
    /// Divides the memory budget among the running hosts again after <paramref name="reporter"/> reported
    /// what it holds (<see cref="HostBudgets"/>), and tells each host whose share moved.
    /// </summary>
    private void Rebalance(string reporter)
    {
        if (Running(reporter) is { FixedBytes: 0 } first) first.FixedBytes = Math.Max(1, first.ResidentBytes());
        // Measured once, when the first host reports: the server is up by then, with nothing resident in it.
        if (_serverFixed == 0) _serverFixed = Environment.WorkingSet;
        var used = _server.UsedByHost();
        var hosts = used.Keys.Select(Running).OfType<ComponentHost>().ToList();
        if (_budget == 0) _budget = _settings(reporter).MemoryBudgetBytes;
        var forWorkers = HostBudgets.ForWorkers(_budget, _serverFixed + hosts.Sum(h => h.FixedBytes));
        foreach (var (component, share) in HostBudgets.Divide(forWorkers, used))
        {
            if (Running(component) is not { } host || !HostBudgets.Changed(host.Share, share)) continue;
            host.Share = share;
            _ = TellShareAsync(host, share);
        }
    }

    private static async Task TellShareAsync(ComponentHost host, long share)
    {
        // Off the channel's reading thread, which must never wait on a write to a host.
        await Task.Yield();
        try
        {
            await host.Channel.CallAsync(new HostWorkerCall(host.Component, "", HostOperation.SetBudget, Number: share));
        }
        catch (Exception ex) when (ex is HostChannelClosedException or ClayException)
        {
            // The host has gone: its share goes to the others at the next report.
        }
    }

    /// <summary>The running host of <paramref name="component"/>, or null when it has none now (nothing is started).</summary>
    public ComponentHost? Running(string component) =>
        _slots.TryGetValue(component, out var slot) && slot.Current is { Ended.IsCompleted: false } host ? host : null;

    /// <summary>The host of <paramref name="component"/>, started (after the back-off of its last crash) when it has none.</summary>
    /// <exception cref="ClayException"><c>component-quarantined</c>.</exception>
    public ValueTask<ComponentHost> GetAsync(string component)
    {
        var slot = _slots.GetOrAdd(component, static _ => new Slot());
        lock (slot.Gate)
        {
            if (slot.Quarantine is { } reason) throw new ClayException(ServerErrorCodes.ComponentQuarantined, reason);
            // Asked on every call to a worker: a running host is answered without a task.
            if (slot.Current is { Ended.IsCompleted: false } running) return ValueTask.FromResult(running);
            ObjectDisposedException.ThrowIf(_disposed, this);
            // A start under way is shared; a finished one (its host has since ended, or it failed) is not.
            if (slot.Starting is null || slot.Starting.IsCompleted) slot.Starting = StartAsync(component, slot);
            return new ValueTask<ComponentHost>(slot.Starting);
        }
    }

    /// <summary>
    /// Starts the host of <paramref name="component"/> ahead of its first call (after a deploy), unless it
    /// runs or is quarantined. One such start at a time: a deploy of many components does not start all
    /// their hosts at once, which would slow the start a first call is waiting for.
    /// </summary>
    public async Task WarmAsync(string component)
    {
        await _warming.WaitAsync();
        try
        {
            await GetAsync(component);
        }
        catch (ClayException)
        {
            // Quarantined: its first call says so.
        }
        catch (ObjectDisposedException)
        {
            // The server is stopping.
        }
        finally
        {
            _warming.Release();
        }
    }

    /// <inheritdoc/>
    public int Count => _server.Resident;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<WorkerInfo>> ResidentAsync(string component)
    {
        if (Running(component) is not { } host) return [];
        try
        {
            return (WorkerInfo[])(await host.Channel.CallAsync(new HostWorkerCall(component, "", HostOperation.ListResident)))!;
        }
        catch (Exception ex) when (ex is HostChannelClosedException or ClayException)
        {
            // The host has gone: none of its workers is in memory any more.
            return [];
        }
    }

    /// <summary>Why <paramref name="worker"/> is quarantined, or null when it is not.</summary>
    public string? QuarantineOf(WorkerId worker) =>
        _slots.TryGetValue(worker.Component, out var slot) && slot.WorkerQuarantines.TryGetValue(worker, out var reason) ? reason : null;

    /// <summary>
    /// Takes the crashes recorded at the end of <paramref name="worker"/>'s oplog before this server
    /// started: <paramref name="count"/> in a row, the last described by <paramref name="message"/>.
    /// </summary>
    public void Recall(WorkerId worker, int count, string message)
    {
        var slot = _slots.GetOrAdd(worker.Component, static _ => new Slot());
        var known = slot.WorkerCrashes.AddOrUpdate(worker, count, (_, n) => Math.Max(n, count));
        if (known >= CrashLimit) slot.WorkerQuarantines.TryAdd(worker, QuarantineMessage(worker, known, message));
    }

    /// <summary>A call of <paramref name="worker"/> completed in its host: its crashes and its component's are no longer in a row.</summary>
    public void Succeeded(WorkerId worker)
    {
        if (!_slots.TryGetValue(worker.Component, out var slot)) return;
        if (slot.Crashes != 0) lock (slot.Gate) slot.Crashes = 0;
        slot.WorkerCrashes.TryRemove(worker, out _);
    }

    /// <summary>
    /// The worker is resumed or reverted by hand: its quarantine is lifted and its crashes start counting
    /// anew. True when it was quarantined.
    /// </summary>
    public bool Lift(WorkerId worker)
    {
        if (!_slots.TryGetValue(worker.Component, out var slot)) return false;
        slot.WorkerCrashes.TryRemove(worker, out _);
        return slot.WorkerQuarantines.TryRemove(worker, out _);
    }

    /// <summary>A worker was deleted: what was known of its crashes goes with it.</summary>
    public void Forget(WorkerId worker)
    {
        if (!_slots.TryGetValue(worker.Component, out var slot)) return;
        slot.WorkerCrashes.TryRemove(worker, out _);
        slot.WorkerQuarantines.TryRemove(worker, out _);
    }

    /// <summary>
    /// A new version of <paramref name="component"/> was deployed: the component's quarantine is lifted
    /// (new workers start on the new version). A quarantined worker stays so: it runs the version it
    /// was created on.
    /// </summary>
    public void Release(string component)
    {
        if (!_slots.TryGetValue(component, out var slot)) return;
        lock (slot.Gate)
        {
            slot.Quarantine = null;
            slot.Crashes = 0;
            slot.NotBefore = DateTimeOffset.MinValue;
        }
    }

    /// <summary>The error a caller gets when the host of <paramref name="host"/> ended during its call about <paramref name="worker"/>.</summary>
    public async Task<ClayException> CrashErrorAsync(ComponentHost host, WorkerId worker, string what)
    {
        var cause = await host.Ended;
        if (host.Stopping) return new ClayException(ErrorCodes.Cancelled, $"the server is stopping; {what} on worker {worker} did not finish");
        return new ClayException(ServerErrorCodes.ComponentCrashed,
            $"the component host of {host.Component} {cause} while {what} ran on worker {worker}; the workers of that host recover in a new one");
    }

    private async Task<ComponentHost> StartAsync(string component, Slot slot)
    {
        if (slot.Recording is { } recording) await recording;
        var wait = slot.NotBefore - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        var scratch = Path.Combine(_scratch, component.Replace(':', '_'));
        var host = ComponentHost.Start(_settings(component) with { ScratchDirectory = scratch, DataLimitBytes = DataLimit(_heapLimit) }, _heapLimit, scratch, _serializer, _server, _logger);
        lock (slot.Gate) slot.Current = host;
        _ = WatchAsync(component, slot, host);
        return host;
    }

    /// <remarks>
    /// A crash with no call in flight, in a host where workers woken after the crash before went on with
    /// their work, is charged to those workers still at it: the work they resumed (a queued invocation
    /// nobody waits for) is what ran. A woken worker whose mark, handed over by the host, shows its work
    /// done (or waiting for a timer or an answer) is no longer among them (<see cref="GoingOn"/>). They
    /// are woken in batches that grow while each finishes (<see cref="ResumeInBatchesAsync"/>), so that is
    /// the workers of one batch unless one's work outlasted <see cref="ResumeHold"/>; a worker one more
    /// charge would quarantine is woken alone.
    /// </remarks>
    private async Task WatchAsync(string component, Slot slot, ComponentHost host)
    {
        var cause = await host.Ended;
        _server.Ended(component);
        if (host.Stopping || _disposed) return;
        var inFlight = host.InFlightAtEnd;
        var recorded = new TaskCompletionSource();
        int crashes;
        IReadOnlyList<WorkerId> resumed;
        CancellationTokenSource? resuming;
        lock (slot.Gate)
        {
            if (slot.Current == host) slot.Current = null;
            slot.Recording = recorded.Task;
            resumed = inFlight.Count == 0 ? [.. host.WentOnHere] : [];
            // The workers not woken yet are woken again, from a batch of one, once the crash is recorded.
            resuming = slot.StopResuming;
            slot.StopResuming = null;
            slot.Resuming = null;
            crashes = inFlight.Count == 0 && resumed.Count == 0 ? ++slot.Crashes : slot.Crashes;
            slot.RecentCrashes = DateTimeOffset.UtcNow - slot.LastCrash < TimeSpan.FromMinutes(1) ? slot.RecentCrashes + 1 : 1;
            slot.LastCrash = DateTimeOffset.UtcNow;
            // Restarts back off: 100 ms after a first crash, doubling with each crash within a minute, at most 5 s.
            slot.NotBefore = DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(Math.Min(5000, 100 * (1 << Math.Min(slot.RecentCrashes - 1, 6))));
            if (crashes >= CrashLimit)
            {
                slot.Quarantine = $"component {component} is quarantined: its host crashed {crashes} times in a row with no call in flight " +
                    $"(last: it {cause}); deploy a fixed version to lift it";
            }
        }
        // Not disposed: a waking that has not seen it yet still reads its token (it holds no timer).
        if (resuming is not null) await resuming.CancelAsync();
        _metrics?.HostCrashed();
        _logger.LogError("The component host of {Component} (pid {Pid}) {Cause}; workers with a call in flight: {Workers}{Resumed}",
            component, host.Pid, cause, inFlight.Count == 0 ? "none" : string.Join(", ", inFlight),
            resumed.Count == 0 ? "" : $"; workers that went on with their work in it: {string.Join(", ", resumed)}");
        try
        {
            foreach (var worker in inFlight) await RecordCrashAsync(slot, worker, cause, "had a call in flight");
            foreach (var worker in resumed) await RecordCrashAsync(slot, worker, cause, "went on with its work in it");
            // Before the next host may start: it is the one these workers go on in.
            if (slot.Quarantine is null) await ResumePendingAsync(component, slot);
        }
        finally
        {
            recorded.SetResult();
        }
        if (slot.Quarantine is not null && crashes >= CrashLimit) _logger.LogError("{Reason}", slot.Quarantine);
    }

    /// <summary>Writes the crash in the worker's oplog (its last error, also after restarts) and quarantines it at the limit.</summary>
    private async Task RecordCrashAsync(Slot slot, WorkerId worker, string cause, string what)
    {
        var count = slot.WorkerCrashes.AddOrUpdate(worker, 1, static (_, n) => n + 1);
        var message = $"the component host {cause} while this worker {what} ({count} in a row)";
        if (count >= CrashLimit)
        {
            slot.WorkerQuarantines[worker] = QuarantineMessage(worker, count, $"it {cause}");
            _logger.LogError("{Reason}", slot.WorkerQuarantines[worker]);
        }
        try
        {
            // The host is gone and the next one waits for this: nobody else writes the oplog now; fencing would refuse it anyway.
            // What it sent to be written before it ended lands first (the crash comes after it).
            await _server.SettledAsync(worker);
            var last = await _store.GetLastIndexAsync(worker);
            if (last == 0) return;
            var entry = OplogCodec.Encode(new OplogEntry.Error(DateTimeOffset.UtcNow, ServerErrorCodes.ComponentCrashed, message, count));
            await _store.AppendAsync(worker, last + 1, [entry]);
        }
        catch (Exception ex) when (ex is OplogConflictException or ClayException)
        {
            _logger.LogWarning("Could not record the crash in the oplog of {Worker}: {Problem}", worker, ex.Message);
        }
    }

    /// <summary>
    /// A host's data segment limit: its heap limit and as much again for native memory, thread stacks
    /// and the runtime's own data (at least 512 MiB more: an idle host holds about 90 MiB).
    /// </summary>
    public static long DataLimit(long heapLimit) => heapLimit + Math.Max(heapLimit, 512L << 20);

    private static string QuarantineMessage(WorkerId worker, int count, string last) =>
        $"worker {worker} is quarantined: its component host crashed {count} times in a row while it ran (last: {last}); " +
        "delete the worker to clear it";

    /// <summary>Stops every host: each closes its channel and ends; one that does not within seconds is killed.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await Task.WhenAll(_slots.Values.Select(s => s.Current).OfType<ComponentHost>().Select(h => h.StopAsync(TimeSpan.FromSeconds(5))));
    }

    /// <summary>Kills every host at once (the server is exiting without a clean stop).</summary>
    public void KillAll()
    {
        _disposed = true;
        foreach (var slot in _slots.Values) slot.Current?.Kill();
    }

    private sealed class Slot
    {
        public readonly Lock Gate = new();
        public readonly ConcurrentDictionary<WorkerId, int> WorkerCrashes = new();
        public readonly ConcurrentDictionary<WorkerId, string> WorkerQuarantines = new();
        public ComponentHost? Current;
        public Task<ComponentHost>? Starting;
        public Task? Recording;
        public int Crashes;
        public int RecentCrashes;
        public DateTimeOffset LastCrash = DateTimeOffset.MinValue;
        public DateTimeOffset NotBefore = DateTimeOffset.MinValue;
        public string? Quarantine;
        /// <summary>The workers being woken after the last crash to go on with their work in the next host, not yet opened there.</summary>
        public Dictionary<WorkerId, TaskCompletionSource<ComponentHost>>? Resuming;
        /// <summary>Stops the waking of the workers after the last crash (<see cref="ResumeInBatchesAsync"/>).</summary>
        public CancellationTokenSource? StopResuming;
    }
}
