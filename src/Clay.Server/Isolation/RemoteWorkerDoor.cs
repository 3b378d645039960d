using Clay.Cluster.Hosts;
using Clay.Cluster.Workers;
using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Hosting;
using Clay.Runtime.Oplog.Display;
using Clay.Runtime.Workers;

namespace Clay.Server.Isolation;

/// <summary>
/// The door to a worker whose code runs in its component's host: invocations, creation, eviction and
/// deletion go to the host; reads of the oplog and of a worker the host does not hold are answered
/// here from the store. A call cut short by the host's crash fails with <c>component-crashed</c>;
/// a quarantined worker's calls fail with <c>worker-failed</c> naming why.
/// </summary>
/// <remarks>
/// The door reads the end of the worker's oplog once, when it is first used. Found empty, the worker
/// is new: the first invocation through the door is admitted under the worker quota here and carries
/// the component's latest version, so that the host creates the worker without asking the server for
/// its last index, its version and its admission (three round trips). Every call to the worker goes
/// through this door, so nothing can have created it meanwhile; a request that creates nothing after
/// all (one that does not fit the version, a host that crashed) gives its admission back. Of two first
/// calls at once, the one sent without the version may reach the host first and create the worker:
/// its admission is then the door's, not a second one.
/// </remarks>
internal sealed partial class RemoteWorkerDoor(WorkerId id, WorkerServices services, ComponentHosts hosts) : IWorkerDoor
{
    private Task? _recalled;
    /// <summary>1 while the door has found no oplog and nothing has gone to the host since.</summary>
    private int _absent;
    /// <summary>The calls sent to the worker's host that need the worker there (all but evictions), as the host counts them.</summary>
    private long _sent;
    /// <summary>The calls in flight to the worker's host.</summary>
    private int _inFlight;

    /// <inheritdoc/>
    public WorkerId Id { get; } = id;

    /// <inheritdoc/>
    public async Task<WorkerInfo> CreateAsync(WorkerCreation creation, CancellationToken cancellationToken = default) =>
        (WorkerInfo)(await CallAsync(new HostWorkerCall(Id.Component, Id.Worker, HostOperation.Create, creation), "creating it", cancellationToken))!;

    /// <inheritdoc/>
    public async Task<InvocationResult> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken = default)
    {
        var invoke = HostInvoke.Of(Id, request, enqueue: false);
        var reply = (HostInvokeReply)(await InvokeOnHostAsync(invoke, null, cancellationToken).ConfigureAwait(false))!;
        hosts.Succeeded(Id);
        return new InvocationResult(reply.KeyFor(invoke), reply.Function ?? invoke.Function, reply.Result);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The invocation is queued durably before its host answers, and may start at once: when it brings its
    /// host down before the answer is out (or the host ends for another reason meanwhile), the door looks
    /// for its key in the worker's oplog, once all the host sent has landed. Found, it was accepted, and
    /// runs (or is quarantined) when the worker recovers: the enqueue is answered as queued. The door gives
    /// a request without a key one, to know what to look for.
    /// </remarks>
    public async Task<string> EnqueueAsync(InvocationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.IdempotencyKey is null) request = request with { IdempotencyKey = FreshKeys.Next() };
        try
        {
            var invoke = HostInvoke.Of(Id, request, enqueue: true);
            return ((HostInvokeReply)(await InvokeOnHostAsync(invoke, null, cancellationToken))!).KeyFor(invoke);
        }
        catch (ClayException ex) when (ex.Code == ServerErrorCodes.ComponentCrashed)
        {
            await hosts.ServerSide.SettledAsync(Id);
            if (await WorkerRecords.AcceptedAsync(services.Store, Id, request.IdempotencyKey, cancellationToken)) return request.IdempotencyKey;
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<WorkerInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        await (_recalled ??= RecallCrashesAsync());
        if (hosts.QuarantineOf(Id) is { } reason)
        {
            var stored = await WorkerRecords.ReadAsync(services.Store, Id, null, withMemory: true, cancellationToken);
            return stored with { Status = WorkerStatus.Failed, LastError = reason, Resident = false };
        }
        if (hosts.Running(Id.Component) is { } host)
        {
            try
            {
                return (WorkerInfo)(await CallOnAsync(host, new HostWorkerCall(Id.Component, Id.Worker, HostOperation.GetInfo), "reading its status",
                    cancellationToken))!;
            }
            catch (ClayException ex) when (ex.Code == ServerErrorCodes.ComponentCrashed)
            {
                // Read from the store below.
            }
        }
        return await WorkerRecords.ReadAsync(services.Store, Id, services.Residency.LastKnown(Id), withMemory: true, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<OplogPage> ReadOplogAsync(long from, int count, string? query, CancellationToken cancellationToken = default) =>
        OplogPage.ReadAsync(services.Store, Id, from, count, query, services.OplogReadTimeLimit, cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> ExistsAsync(CancellationToken cancellationToken = default) =>
        await services.Store.GetLastIndexAsync(Id, cancellationToken) > 0;

    /// <inheritdoc/>
    public async Task<bool?> TryEvictAsync() =>
        await AskHostAsync(HostOperation.TryEvict, "evicting it", default) switch
        {
            1 => true,
            0 => false,
            _ => null,
        };

    /// <inheritdoc/>
    public async Task<bool> IsBusyAsync(CancellationToken cancellationToken = default) =>
        await AskHostAsync(HostOperation.IsBusy, "asking whether it is busy", cancellationToken) == 1;

    /// <summary>
    /// The host's answer to <paramref name="operation"/>, a question about the worker in its memory; null when
    /// no host runs or it crashed meanwhile (the worker's state went with it: what is left resumes from the oplog).
    /// </summary>
    private async Task<int?> AskHostAsync(HostOperation operation, string what, CancellationToken cancellationToken)
    {
        if (hosts.Running(Id.Component) is not { } host) return null;
        try
        {
            return (int)(await CallOnAsync(host, new HostWorkerCall(Id.Component, Id.Worker, operation), what, cancellationToken))!;
        }
        catch (ClayException ex) when (ex.Code == ServerErrorCodes.ComponentCrashed)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        if (hosts.Running(Id.Component) is { } host)
        {
            await CallOnAsync(host, new HostWorkerCall(Id.Component, Id.Worker, HostOperation.Delete), "deleting it", cancellationToken);
        }
        else
        {
            // No host holds it (none runs, or the component is quarantined): delete it here.
            if (await services.Store.GetLastIndexAsync(Id, cancellationToken) == 0) throw new WorkerNotFoundException(Id);
            await services.Store.DeleteAsync(Id, cancellationToken);
        }
        services.Residency.Forget(Id);
        hosts.Forget(Id);
        services.Deleted?.Invoke(Id);
    }

    /// <inheritdoc/>
    public async Task WakeAsync(CancellationToken cancellationToken = default) =>
        await CallAsync(new HostWorkerCall(Id.Component, Id.Worker, HostOperation.Wake), "waking it", cancellationToken);

    /// <inheritdoc/>
    public async Task CompletePromiseAsync(long promise, string value, CancellationToken cancellationToken = default) =>
        await CallAsync(new HostWorkerCall(Id.Component, Id.Worker, HostOperation.CompletePromise, Number: promise, Text: value),
            $"completing promise {promise}", cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ScheduledInvocation>> GetSchedulesAsync(CancellationToken cancellationToken = default) =>
        [.. ((HostSchedule[])(await CallAsync(new HostWorkerCall(Id.Component, Id.Worker, HostOperation.GetSchedules), "reading its schedules",
            cancellationToken))!).Select(s => new ScheduledInvocation(s.Index, s.Function, s.Arguments.ToArray(), s.IdempotencyKey, s.DueAt))];

    /// <inheritdoc/>
    public async Task CancelInvocationAsync(string idempotencyKey, CancellationToken cancellationToken = default) =>
        await CallAsync(new HostWorkerCall(Id.Component, Id.Worker, HostOperation.CancelInvocation, Text: idempotencyKey),
            $"cancelling {idempotencyKey}", cancellationToken);

    /// <inheritdoc/>
    /// <remarks>A worker quarantined after crashes gets its chance again: its count of crashes starts anew.</remarks>
    public async Task<WorkerInfo> ResumeAsync(CancellationToken cancellationToken = default)
    {
        await (_recalled ??= RecallCrashesAsync());
        var lifted = hosts.Lift(Id);
        try
        {
            return (WorkerInfo)(await CallAsync(new HostWorkerCall(Id.Component, Id.Worker, HostOperation.Resume), "resuming it", cancellationToken))!;
        }
        catch (ClayException ex) when (lifted && ex.Code == ErrorCodes.WorkerNotResumable)
        {
            // The host's executor saw no failure (the crashes were the host's): the worker simply goes on.
            return await GetInfoAsync(cancellationToken);
        }
    }

    /// <inheritdoc/>
    public async Task<WorkerInfo> InterruptAsync(bool recoverImmediately, CancellationToken cancellationToken = default) =>
        (WorkerInfo)(await CallAsync(new HostWorkerCall(Id.Component, Id.Worker, HostOperation.Interrupt, Number: recoverImmediately ? 1 : 0),
            recoverImmediately ? "simulating its crash" : "interrupting it", cancellationToken))!;

    /// <inheritdoc/>
    /// <remarks>A worker quarantined after crashes gets its chance again with the history it is reverted to.</remarks>
    public async Task<WorkerInfo> RevertAsync(Runtime.History.RevertTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        await (_recalled ??= RecallCrashesAsync());
        hosts.Lift(Id);
        var call = target.NumberOfInvocations is { } count
            ? new HostWorkerCall(Id.Component, Id.Worker, HostOperation.Revert, Count: count)
            : new HostWorkerCall(Id.Component, Id.Worker, HostOperation.Revert, Number: target.LastOplogIndex ?? 0);
        return (WorkerInfo)(await CallAsync(call, "reverting it", cancellationToken))!;
    }

    /// <inheritdoc/>
    public async Task<WorkerInfo> UpdateAsync(long targetVersion, Runtime.Oplog.UpdateMode mode, CancellationToken cancellationToken = default)
    {
        var call = new HostWorkerCall(Id.Component, Id.Worker, HostOperation.Update, Number: targetVersion,
            Count: mode == Runtime.Oplog.UpdateMode.Manual ? 1 : 0);
        return (WorkerInfo)(await CallAsync(call, $"updating it to version {targetVersion}", cancellationToken))!;
    }

    /// <inheritdoc/>
    public async Task<WorkerInfo> ForkFromAsync(WorkerId source, long oplogIndex, CancellationToken cancellationToken = default)
    {
        return (WorkerInfo)(await CallAsync(new HostWorkerCall(Id.Component, Id.Worker, HostOperation.Fork, Number: oplogIndex, Text: source.Worker),
            $"forking it from {source}", cancellationToken))!;
    }

    /// <inheritdoc/>
    public Task<OplogPage> ExportOplogAsync(long from, int count, CancellationToken cancellationToken = default) =>
        OplogPage.ReadAsync(services.Store, Id, from, count, query: null, timeLimit: null, encoded: true, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// The host counts the calls each of its workers receives, and says how many when it evicts one: when
    /// that is all this door has sent, and none is in flight, the door has nothing left to keep.
    /// </remarks>
    public bool LeftMemorySince(long callsSeen) => Volatile.Read(ref _inFlight) == 0 && Interlocked.Read(ref _sent) == callsSeen;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (hosts.Running(Id.Component) is not { } host) return;
        try
        {
            await host.Channel.CallAsync(new HostWorkerCall(Id.Component, Id.Worker, HostOperation.Close));
        }
        catch (Exception ex) when (ex is HostChannelClosedException or ClayException)
        {
            // The host has gone: so has the worker's state in it.
        }
    }
}
