using Clay.Cluster.Hosts;
using Clay.Cluster.Workers;
using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Hosting;
using Clay.Runtime.Oplog.Display;
using Clay.Runtime.Workers;

namespace Clay.Server.Isolation;

/// <summary>How a call through the door reaches the worker's host: crashes recalled, the host found or started, the answer given once durable.</summary>
internal sealed partial class RemoteWorkerDoor
{
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
        // Before it is sent: the work a wake-up resumes may end the host before the wake-up is answered.
        if (call is HostWorkerCall { Operation: HostOperation.Wake }) hosts.Woken(Id, host);
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
        // What DurableAsync does, written out here: on the path of every call, without a state machine of its own.
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
