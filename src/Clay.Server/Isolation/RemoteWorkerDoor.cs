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
internal sealed class RemoteWorkerDoor(WorkerId id, WorkerServices services, ComponentHosts hosts) : IWorkerDoor
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
        var reply = (InvokeReply)(await InvokeOnHostAsync(HostInvoke.Of(Id, request, enqueue: false), null, cancellationToken)
            .ConfigureAwait(false))!;
        hosts.Succeeded(Id);
        return new InvocationResult(reply.IdempotencyKey, reply.Function, reply.Result);
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
        if (request.IdempotencyKey is null) request = request with { IdempotencyKey = Guid.NewGuid().ToString() };
        try
        {
            return ((InvokeReply)(await InvokeOnHostAsync(HostInvoke.Of(Id, request, enqueue: true), null, cancellationToken))!).IdempotencyKey;
        }
        catch (ClayException ex) when (ex.Code == ServerErrorCodes.ComponentCrashed)
        {
            await hosts.ServerSide.LandedAsync(Id);
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

    /// <summary>
    /// Sends <paramref name="call"/> to the worker's host and waits for its answer; <paramref name="what"/>
    /// says what it does in an error, and is null for an invocation, described only if it fails.
    /// </summary>
    /// <remarks>
    /// The usual case — crashes recalled, the host running — returns the call's own task: no state
    /// machine of its own on the path of every invocation.
    /// </remarks>
    private Task<object?> CallAsync(object call, string? what, CancellationToken cancellationToken)
    {
        if (_recalled is not { IsCompletedSuccessfully: true }) return CallAfterRecallAsync(call, what, cancellationToken);
        Volatile.Write(ref _absent, 0);
        if (hosts.QuarantineOf(Id) is { } reason) return Task.FromException<object?>(new ClayException(ErrorCodes.WorkerFailed, reason));
        ValueTask<ComponentHost> host;
        try
        {
            host = hosts.GetAsync(Id.Component);
        }
        catch (Exception ex)
        {
            return Task.FromException<object?>(ex);
        }
        return host.IsCompletedSuccessfully ? CallOnAsync(host.Result, call, what, cancellationToken) : CallWhenStartedAsync(host, call, what, cancellationToken);
    }

    private async Task<object?> CallAfterRecallAsync(object call, string? what, CancellationToken cancellationToken)
    {
        await (_recalled ??= RecallCrashesAsync());
        return await CallAsync(call, what, cancellationToken).ConfigureAwait(false);
    }

    private async Task<object?> CallWhenStartedAsync(ValueTask<ComponentHost> host, object call, string? what, CancellationToken cancellationToken) =>
        await CallOnAsync(await host, call, what, cancellationToken).ConfigureAwait(false);

    /// <summary>An invocation; the first through a door that found no oplog creates the worker (see the remarks).</summary>
    private Task<object?> InvokeOnHostAsync(HostInvoke invoke, string? what, CancellationToken cancellationToken)
    {
        if (_recalled is not { IsCompletedSuccessfully: true }) return InvokeAfterRecallAsync(invoke, what, cancellationToken);
        return Volatile.Read(ref _absent) == 0 || hosts.QuarantineOf(Id) is not null
            ? CallAsync(invoke, what, cancellationToken)
            : InvokeNewAsync(invoke, what, cancellationToken);
    }

    private async Task<object?> InvokeAfterRecallAsync(HostInvoke invoke, string? what, CancellationToken cancellationToken)
    {
        await (_recalled ??= RecallCrashesAsync());
        return await InvokeOnHostAsync(invoke, what, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The first invocation through a door that found no oplog, unless another took that turn.</summary>
    private async Task<object?> InvokeNewAsync(HostInvoke invoke, string? what, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _absent, 0) == 0) return await CallAsync(invoke, what, cancellationToken).ConfigureAwait(false);
        var latest = await hosts.ServerSide.AdmitNewAsync(Id, cancellationToken);
        // Not cancelled with its caller: whether the host created the worker is known only from its answer,
        // and the admission is given back (or kept) only then, also when the caller has stopped waiting.
        return await SettleAdmissionAsync(CallAsync(invoke with { NewWorkerOn = latest }, what, CancellationToken.None))
            .WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The answer of the call a door admitted a new worker for, once the admission is settled.</summary>
    private async Task<object?> SettleAdmissionAsync(Task<object?> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch
        {
            await hosts.ServerSide.ReleaseUnlessCreatedAsync(Id);
            throw;
        }
        finally
        {
            hosts.ServerSide.Settle(Id);
        }
    }

    /// <summary>
    /// Reads the crashes recorded at the end of the worker's oplog (a server restarted since), so a
    /// worker quarantined before stays quarantined until it is deleted.
    /// </summary>
    private async Task RecallCrashesAsync()
    {
        var last = await services.Store.GetLastIndexAsync(Id);
        if (last == 0)
        {
            Volatile.Write(ref _absent, 1);
            return;
        }
        await foreach (var stored in services.Store.ReadAsync(Id, last, last))
        {
            if (Runtime.Oplog.Codec.OplogCodec.PeekKind(stored.Payload.Span) != Runtime.Oplog.OplogEntryKind.Error) return;
            if (Runtime.Oplog.Codec.OplogCodec.Decode(stored.Payload.Span) is Runtime.Oplog.OplogEntry.Error { ErrorCode: ServerErrorCodes.ComponentCrashed } crash)
            {
                hosts.Recall(Id, crash.Attempt, crash.Message);
            }
        }
    }

    /// <remarks>
    /// What follows the call's send does not wait to go back to the grain's scheduler: it runs where the
    /// answer, then the durable append, completes (the channel's reading thread, the store's completion),
    /// and touches only what is shared between grains. The door's callers go back to the scheduler once,
    /// at the end. What comes before the send keeps the scheduler, so calls leave in their turns' order.
    /// </remarks>
    private async Task<object?> CallOnAsync(ComponentHost host, object call, string? what, CancellationToken cancellationToken)
    {
        object? answer;
        // Asking whether it is busy or may leave brings no worker into memory: not a call the host's release must wait out.
        if (call is not HostWorkerCall { Operation: HostOperation.TryEvict or HostOperation.IsBusy }) Interlocked.Increment(ref _sent);
        Interlocked.Increment(ref _inFlight);
        using (host.Track(Id))
        {
            try
            {
                answer = await host.Channel.CallAsync(call, cancellationToken).ConfigureAwait(false);
            }
            catch (HostChannelClosedException)
            {
                throw await hosts.CrashErrorAsync(host, Id, what ?? Describe(call)).ConfigureAwait(false);
            }
            catch (Exception) when (!hosts.ServerSide.IsDurable(Id))
            {
                // A failed invocation's end was handed over too: its error is an answer, given once that is durable.
                await DurableAsync(host).ConfigureAwait(false);
                throw;
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
        try
        {
            await hosts.ServerSide.DurableAsync(Id).ConfigureAwait(false);
        }
        catch (Exception) when (hosts.Running(Id.Component) == host)
        {
            await CloseAsync(host).ConfigureAwait(false);
            throw;
        }
        return answer;
    }

    /// <summary>What <paramref name="call"/> does, in an error's words: an invocation's text is made only when it is needed.</summary>
    private static string Describe(object call) => call switch
    {
        HostInvoke { Enqueue: true } queued => $"queueing {queued.Function}",
        HostInvoke invoke => $"an invocation of {invoke.Function}",
        _ => $"a {call.GetType().Name}",
    };

    /// <summary>
    /// Waits until what the host handed over of the worker (the end of the invocation it has just
    /// answered) is durable. When it could not be made durable, the host's copy of the worker is ahead of
    /// its oplog: it is closed there (<see cref="CloseAsync"/>), to be rebuilt from what is durable, and the caller gets why.
    /// </summary>
    private async ValueTask DurableAsync(ComponentHost host)
    {
        try
        {
            await hosts.ServerSide.DurableAsync(Id).ConfigureAwait(false);
        }
        catch (Exception) when (hosts.Running(Id.Component) == host)
        {
            await CloseAsync(host).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Closes the worker in its host after what the host handed over of it could not be made durable.</summary>
    private async Task CloseAsync(ComponentHost host)
    {
        // This may run on the channel's reading thread, which must never wait on a write to the host.
        await Task.Yield();
        try
        {
            await host.Channel.CallAsync(new HostWorkerCall(Id.Component, Id.Worker, HostOperation.Close)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HostChannelClosedException or ClayException)
        {
            // The host has gone: so has the worker's state in it.
        }
    }
}
