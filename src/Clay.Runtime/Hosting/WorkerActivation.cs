using System.Diagnostics;
using Clay.Runtime.Execution;
using Clay.Runtime.Oplog.Display;
using Clay.Runtime.Workers;

namespace Clay.Runtime.Hosting;

/// <summary>
/// The one door to one worker: every invocation, status read, oplog read, eviction and deletion
/// goes through here. It opens the worker once (concurrent first calls share one recovery), accepts
/// invocations in the order they arrive — also while the worker is still being opened — types each
/// request against the component version the worker runs (a request that does not fit is refused
/// and never recorded), reopens the worker when its oplog could not be written, and closes it on
/// eviction and deletion. The server's grain holds one; so do the in-process hosts of tests and
/// benchmarks, so both run the same rules.
/// </summary>
/// <remarks>Thread-safe: calls may come from any thread, concurrently.</remarks>
public sealed partial class WorkerActivation(WorkerId id, WorkerServices services) : IWorkerDoor
{
    private readonly Lock _gate = new();
    private WorkerExecutor? _executor;
    private Task<WorkerExecutor>? _opening;
    private Task _arrivals = Task.CompletedTask;
    private Task _editing = Task.CompletedTask;

    /// <summary>The worker.</summary>
    public WorkerId Id { get; } = id;

    /// <summary>The worker's executor when it is in memory and usable, else null.</summary>
    public WorkerExecutor? Resident
    {
        get
        {
            lock (_gate) return _executor is { MustReopen: false } executor ? executor : null;
        }
    }

    /// <summary>Creates the worker explicitly.</summary>
    /// <exception cref="WorkerAlreadyExistsException">It exists.</exception>
    public async Task<WorkerInfo> CreateAsync(WorkerCreation creation, CancellationToken cancellationToken = default)
    {
        if (Resident is not null || await services.Store.GetLastIndexAsync(Id, cancellationToken) > 0) throw new WorkerAlreadyExistsException(Id);
        return (await OpenCoreAsync(creation, cancellationToken, new OpenFacts(0))).GetInfo();
    }

    /// <summary>
    /// Invokes a function and waits for its result, creating the worker on first use. The function is
    /// resolved and the arguments typed against the worker's own component version.
    /// </summary>
    /// <exception cref="Errors.ClayException"><c>function-not-found</c>, <c>invalid-arguments</c>, <c>invocation-failed</c>, …</exception>
    public Task<InvocationResult> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken = default) =>
        InOrderAsync(request, static (executor, function, arguments, request, ct) =>
            executor.InvokeAsync(function, arguments, request.IdempotencyKey, request.CallChain, ct), cancellationToken);

    /// <summary>
    /// Queues an invocation durably — or schedules it, when the request has <see cref="InvocationRequest.ScheduleAt"/> —
    /// and returns its idempotency key without waiting for its result.
    /// </summary>
    public Task<string> EnqueueAsync(InvocationRequest request, CancellationToken cancellationToken = default) =>
        InOrderAsync(request, static (executor, function, arguments, request, ct) => request.ScheduleAt is { } at
            ? executor.ScheduleAsync(function, arguments, request.IdempotencyKey, at, ct)
            : executor.EnqueueAsync(function, arguments, request.IdempotencyKey, ct), cancellationToken);

    /// <summary>The worker's metadata: from its executor when it is in memory, else from its oplog without loading it.</summary>
    /// <exception cref="WorkerNotFoundException">It does not exist.</exception>
    public Task<WorkerInfo> GetInfoAsync(CancellationToken cancellationToken = default) =>
        Resident is { } executor
            ? Task.FromResult(executor.GetInfo())
            : WorkerRecords.ReadAsync(services.Store, Id, services.Residency.LastKnown(Id), withMemory: true, cancellationToken);

    /// <summary>A page of the worker's durable oplog matching <paramref name="query"/>.</summary>
    public Task<OplogPage> ReadOplogAsync(long from, int count, string? query, CancellationToken cancellationToken = default) =>
        OplogPage.ReadAsync(services.Store, Id, from, count, query, services.OplogReadTimeLimit, cancellationToken);

    /// <summary>
    /// A page of the worker's whole durable oplog with each entry's encoded bytes, for an export that a
    /// replay (Clay.Testing's <c>WorkerReplayer</c>) can run the component's code against.
    /// </summary>
    public Task<OplogPage> ExportOplogAsync(long from, int count, CancellationToken cancellationToken = default) =>
        OplogPage.ReadAsync(services.Store, Id, from, count, query: null, timeLimit: null, encoded: true, cancellationToken);

    /// <summary>True when the worker exists: it is in memory or has an oplog.</summary>
    public async Task<bool> ExistsAsync(CancellationToken cancellationToken = default) =>
        Resident is not null || await services.Store.GetLastIndexAsync(Id, cancellationToken) > 0;

    /// <summary>
    /// Brings the worker into memory if it is not there, so that what it has to do — an invocation
    /// to resume, a retry, a sleep that ended — goes on. Used by start-up recovery and wake-ups.
    /// </summary>
    /// <exception cref="WorkerNotFoundException">It does not exist (any more).</exception>
    public async Task WakeAsync(CancellationToken cancellationToken = default) => (await OpenCoreAsync(null, cancellationToken)).WakeIfDue();

    /// <summary>
    /// Completes the worker's promise <paramref name="promise"/> with <paramref name="value"/>, durably and
    /// once, and wakes the worker if it waits for it.
    /// </summary>
    /// <exception cref="WorkerNotFoundException">The worker does not exist.</exception>
    /// <exception cref="Errors.ClayException"><c>promise-not-found</c>, <c>promise-already-completed</c>.</exception>
    public async Task CompletePromiseAsync(long promise, string value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var promises = services.Store as Storage.IPromiseStore
            ?? throw new Errors.ClayException(Errors.ErrorCodes.StorageUnavailable, "this oplog store cannot keep promises");
        await Promises.CheckCreatedAsync(services.Store, Id, promise, cancellationToken);
        var now = services.Options.Time.GetUtcNow();
        if (!await promises.CompleteAsync(Id, promise, System.Text.Encoding.UTF8.GetBytes(value), now, cancellationToken))
        {
            throw new Errors.ClayException(Errors.ErrorCodes.PromiseAlreadyCompleted, $"promise {promise} of worker {Id} was completed before; a promise is completed once");
        }
        if (Resident is { } executor) executor.PromiseCompleted(promise);
        else services.Options.WakeUps?.WakeAt(Id, now);
    }

    /// <summary>
    /// Interrupts the worker: its running invocation stops at its next effect or wait and it takes no
    /// more invocations until resumed. With <paramref name="recoverImmediately"/> (a simulated crash)
    /// it is dropped from memory and rebuilt by replay at once, its invocation going on from where it stopped.
    /// </summary>
    /// <exception cref="WorkerNotFoundException">It does not exist.</exception>
    public async Task<WorkerInfo> InterruptAsync(bool recoverImmediately, CancellationToken cancellationToken = default)
    {
        var executor = await OpenCoreAsync(null, cancellationToken);
        await executor.InterruptAsync(recoverImmediately, cancellationToken);
        return (await OpenCoreAsync(null, cancellationToken)).GetInfo();
    }

    /// <summary>The invocations the worker has scheduled and not yet started, earliest first.</summary>
    /// <exception cref="WorkerNotFoundException">It does not exist.</exception>
    public async Task<IReadOnlyList<ScheduledInvocation>> GetSchedulesAsync(CancellationToken cancellationToken = default) =>
        (await OpenCoreAsync(null, cancellationToken)).Schedules;

    /// <summary>Cancels a queued or scheduled invocation before it starts.</summary>
    /// <exception cref="WorkerNotFoundException">It does not exist.</exception>
    /// <exception cref="Errors.ClayException"><c>invocation-not-cancellable</c>, <c>invocation-not-found</c>.</exception>
    public async Task CancelInvocationAsync(string idempotencyKey, CancellationToken cancellationToken = default) =>
        await (await OpenCoreAsync(null, cancellationToken)).CancelAsync(idempotencyKey, cancellationToken);

    /// <summary>
    /// Resumes a failed worker: its interrupted invocation is retried from the oplog, with a fresh
    /// count of attempts.
    /// </summary>
    /// <exception cref="WorkerNotFoundException">It does not exist.</exception>
    /// <exception cref="Errors.ClayException"><c>worker-not-resumable</c>: it has not failed.</exception>
    public async Task<WorkerInfo> ResumeAsync(CancellationToken cancellationToken = default)
    {
        var executor = await OpenCoreAsync(null, cancellationToken);
        await executor.ResumeAsync(cancellationToken);
        return (await OpenCoreAsync(null, cancellationToken)).GetInfo();
    }

    /// <summary>Drops the worker from memory if it is idle; nothing is saved. False when it is busy or not in memory.</summary>
    public async ValueTask<bool> EvictAsync()
    {
        WorkerExecutor? executor;
        lock (_gate)
        {
            executor = _executor;
            if (executor is null || !executor.IsEvictable || !_arrivals.IsCompleted) return false;
            _executor = null;
        }
        await CloseAsync(executor);
        return true;
    }

    /// <inheritdoc/>
    public async Task<bool?> TryEvictAsync()
    {
        lock (_gate)
        {
            if (_executor is null && _opening is null) return null;
        }
        return await EvictAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<bool> IsBusyAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate) return Task.FromResult(!_arrivals.IsCompleted || _executor is { IsEvictable: false });
    }

    /// <summary>Closes the worker (the host is deactivating it): a running invocation finishes and commits first.</summary>
    public async ValueTask DisposeAsync()
    {
        WorkerExecutor? executor;
        lock (_gate)
        {
            executor = _executor;
            _executor = null;
        }
        if (executor is not null) await CloseAsync(executor);
    }

    private bool IsOpening
    {
        get
        {
            lock (_gate) return _opening is not null;
        }
    }

    /// <summary>
    /// Opens the worker (once) and returns its executor, for hosts and tests that drive it directly;
    /// creates it first when <paramref name="creation"/> is given and it has no oplog.
    /// </summary>
    /// <exception cref="WorkerNotFoundException">It does not exist and <paramref name="creation"/> is null.</exception>
    public Task<WorkerExecutor> OpenAsync(WorkerCreation? creation = null, CancellationToken cancellationToken = default) =>
        OpenCoreAsync(creation, cancellationToken);

    /// <summary>
    /// Opens the worker once; a broken executor (its oplog could not be written) is closed and the worker
    /// reopened. <paramref name="known"/> is what the caller has just read about the worker; it is used
    /// only by an opening this call starts before anything else changed the worker.
    /// </summary>
    private async Task<WorkerExecutor> OpenCoreAsync(WorkerCreation? creation, CancellationToken cancellationToken, OpenFacts? known = null)
    {
        while (true)
        {
            Task<WorkerExecutor>? opening = null;
            WorkerExecutor? broken = null;
            Task? editing = null;
            lock (_gate)
            {
                if (_executor is { MustReopen: false } open) return open;
                if (!_editing.IsCompleted) editing = _editing;
                else
                {
                    if (_executor is not null)
                    {
                        broken = _executor;
                        _executor = null;
                    }
                    if (_opening is null)
                    {
                        // What the caller read before a broken executor wrote more, or before an edit, is stale.
                        _opening = RecoverAsync(creation, broken is null ? known : null, broken);
                        broken = null;
                    }
                    opening = _opening;
                }
            }
            if (editing is not null)
            {
                // Its history is being changed (revert, deletion): open what it is afterwards.
                known = null;
                await editing.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (opening is null) throw new System.Diagnostics.UnreachableException();
            if (broken is not null) await CloseAsync(broken).ConfigureAwait(false);
            WorkerExecutor executor;
            try
            {
                executor = await opening.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // A failed open is not kept: the next call tries again.
                lock (_gate)
                {
                    if (_opening == opening && opening.IsCompleted) _opening = null;
                }
                throw;
            }
            lock (_gate)
            {
                // The first caller back installs the executor, in the same step that ends the opening,
                // so no one can start a second one in between.
                if (_opening == opening)
                {
                    _opening = null;
                    if (_executor is null)
                    {
                        _executor = executor;
                        services.Residency.Add(executor);
                    }
                }
                if (ReferenceEquals(_executor, executor) && !executor.MustReopen) return executor;
            }
        }
    }

    private async Task<WorkerExecutor> RecoverAsync(WorkerCreation? creation, OpenFacts? known, WorkerExecutor? replaced)
    {
        // The executor this one replaces stops first, and its last commit lands: one that is retrying has
        // just recorded the failed attempt, and an opening that read the store before that commit would
        // run the attempt again.
        if (replaced is not null) await CloseAsync(replaced).ConfigureAwait(false);
        // Not cancelled by one caller: others may be waiting for the same recovery.
        known ??= new OpenFacts(await services.Store.GetLastIndexAsync(Id, CancellationToken.None).ConfigureAwait(false));
        var recovering = known.LastIndex > 0;
        var started = Stopwatch.GetTimestamp();
        // The opening is this door's alone: nothing appends to the oplog in between.
        var executor = await WorkerExecutor.OpenAsync(Id, creation, services.Catalog, services.Store, services.Options, known, CancellationToken.None)
            .ConfigureAwait(false);
        if (recovering) services.Recovered?.Invoke(Id, Stopwatch.GetElapsedTime(started));
        return executor;
    }

    private async ValueTask CloseAsync(WorkerExecutor executor)
    {
        services.Residency.Remove(executor);
        await executor.DisposeAsync().ConfigureAwait(false);
    }
}
