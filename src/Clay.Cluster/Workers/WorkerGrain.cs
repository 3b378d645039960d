using Clay.Runtime.Execution;
using Clay.Runtime.Hosting;
using Clay.Runtime.Oplog.Display;
using Clay.Runtime.Errors;
using Orleans.Concurrency;
using Orleans.Placement;

namespace Clay.Cluster.Workers;

/// <summary>
/// Holds the door to one worker (<see cref="IWorkerDoor"/>): in this process the same
/// <see cref="WorkerActivation"/> the in-process hosts use, or a component host's. The
/// grain is reentrant: the activation queues invocations and the executor runs them one at a time
/// itself, so a call waiting for its result must not block the others. A worker is activated on
/// the node that received the call for it (when that node is a member), so the calls of a client
/// that keeps to one node stay on it; clients spread over the nodes spread the workers.
/// </summary>
/// <remarks>
/// Orleans collects a grain that has had no call for <c>--max-idle</c>, whatever its worker does. A
/// worker whose work goes on with no caller waiting (an enqueued invocation, one that outlived its
/// caller's wait, one a wake-up resumed) keeps its grain: every half collection age the grain asks its
/// door whether the worker is busy (<see cref="IWorkerDoor.IsBusyAsync"/>), and puts its collection off
/// while it is. Closing such a worker would otherwise wait for its invocation to end, and a call
/// meanwhile would find no grain and open the worker a second time.
/// <para>
/// Every error leaves the grain portable (<see cref="PortableErrors"/>). That is done here, in the
/// grain's methods, not by a grain call filter: a filter would put Orleans' filter chain, with its
/// allocations and continuations, on the path of every invocation.
/// </para>
/// </remarks>
[Reentrant, PreferLocalPlacement]
public sealed class WorkerGrain(WorkerServices services, Microsoft.Extensions.Options.IOptions<Orleans.Configuration.GrainCollectionOptions> collection,
    Microsoft.Extensions.Logging.ILogger<WorkerGrain> logger)
    : Grain, IWorkerGrain
{
    private static int s_active;
    private readonly TimeSpan _busyCheck = BusyCheckPeriod(collection.Value.CollectionAge);
    private IWorkerDoor? _activation;
    private IGrainTimer? _whileBusy;

    /// <summary>How many worker grains are active in this process: one for each worker in memory, here or in a component host.</summary>
    public static int Active => Volatile.Read(ref s_active);

    private Clay.Runtime.WorkerId Id => WorkerGrainKey.Parse(this.GetPrimaryKeyString());

    private IWorkerDoor Activation => _activation ??= services.Door(Id);

    /// <summary>How often a grain whose worker works with no caller asks whether it still does: half the collection age, within [1 s, 1 min].</summary>
    internal static TimeSpan BusyCheckPeriod(TimeSpan collectionAge) =>
        TimeSpan.FromTicks(Math.Clamp(collectionAge.Ticks / 2, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));

    /// <summary>Keeps the grain while its worker works on with no caller waiting (see the remarks).</summary>
    private void KeepWhileBusy()
    {
        DelayDeactivation(_busyCheck * 2);
        _whileBusy ??= this.RegisterGrainTimer(static (grain, ct) => grain.CheckBusyAsync(ct), this,
            new GrainTimerCreationOptions(_busyCheck, _busyCheck) { Interleave = true });
    }

    private async Task CheckBusyAsync(CancellationToken cancellationToken)
    {
        if (await Activation.IsBusyAsync(cancellationToken))
        {
            DelayDeactivation(_busyCheck * 2);
            return;
        }
        _whileBusy?.Dispose();
        _whileBusy = null;
    }

    /// <inheritdoc/>
    public Task<WorkerInfo> CreateAsync(WorkerCreation creation) => Portably(Activation.CreateAsync(creation));

    /// <inheritdoc/>
    public async Task<InvokeReply> InvokeAsync(InvokeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var invocation = request.ToInvocation();
        try
        {
            if (request.Enqueue)
            {
                var key = await Activation.EnqueueAsync(invocation);
                KeepWhileBusy();
                return new InvokeReply(InvocationState.Queued, key, request.Function, null);
            }
            // The caller's scheduler is the grain's: the rare outcomes below go back to it.
            var grainScheduler = TaskScheduler.Current;
            var running = Activation.InvokeAsync(invocation);
            if (!running.IsCompleted)
            {
                // Nearly every invocation ends well before the caller's wait: that wait shares a timer
                // with the others ending in the same tick, and a result is answered from the thread
                // that gave it, without going back through the grain's scheduler first. What runs off the
                // grain's scheduler below reads nothing of the grain's: it makes the reply, or goes back.
#pragma warning disable ORLEANS0014
                await Task.WhenAny(running, SharedDeadlines.System.After(request.MaxWait)).ConfigureAwait(false);
#pragma warning restore ORLEANS0014
            }
            if (running.IsCompletedSuccessfully)
            {
                var result = running.Result;
                return new InvokeReply(InvocationState.Completed, result.IdempotencyKey, result.FunctionName, result.Result);
            }
            // Not back to whatever scheduler completed the invocation (in this process, it may be the worker's own).
#pragma warning disable ORLEANS0014
            return await Task.Factory.StartNew(() => Settle(running, request), CancellationToken.None, TaskCreationOptions.DenyChildAttach, grainScheduler)
                .Unwrap().ConfigureAwait(false);
#pragma warning restore ORLEANS0014
        }
        catch (ClayException ex) when (Crossing(ex) is { } portable)
        {
            throw portable;
        }
    }

    /// <summary>
    /// On the grain's scheduler, the answer to an invocation that failed or outlived its caller's wait
    /// (<paramref name="running"/> may still run).
    /// </summary>
    private async Task<InvokeReply> Settle(Task<InvocationResult> running, InvokeRequest request)
    {
        if (!running.IsCompleted)
        {
            KeepWhileBusy();
            return new InvokeReply(InvocationState.Running, request.IdempotencyKey, request.Function, null);
        }
        try
        {
            var result = await running;
            return new InvokeReply(InvocationState.Completed, result.IdempotencyKey, result.FunctionName, result.Result);
        }
        catch (ClayException ex) when (ex.Code == ErrorCodes.OplogConflict)
        {
            // Another activation of this worker (on another node, during a membership change) wrote
            // its oplog first: this one is stale. It goes, so the caller's retry reaches the owner.
            DeactivateOnIdle();
            throw;
        }
        catch (WorkerSuspendedException)
        {
            // It waits out of memory, or is retried from the oplog: it goes on under the same key.
            KeepWhileBusy();
            return new InvokeReply(InvocationState.Running, request.IdempotencyKey, request.Function, null);
        }
    }

    /// <inheritdoc/>
    public Task WakeAsync() => Portably(WakeCoreAsync());

    private async Task WakeCoreAsync()
    {
        await Activation.WakeAsync();
        KeepWhileBusy();
    }

    /// <inheritdoc/>
    public Task CompletePromiseAsync(long promise, string value) => Portably(CompletePromiseCoreAsync(promise, value));

    private async Task CompletePromiseCoreAsync(long promise, string value)
    {
        await Activation.CompletePromiseAsync(promise, value);
        KeepWhileBusy();
    }

    /// <inheritdoc/>
    public Task<WorkerInfo> ResumeAsync() => Portably(ResumeCoreAsync());

    private async Task<WorkerInfo> ResumeCoreAsync()
    {
        var resumed = await Activation.ResumeAsync();
        KeepWhileBusy();
        return resumed;
    }

    /// <inheritdoc/>
    public Task<WorkerInfo> InterruptAsync(bool recoverImmediately) => Portably(InterruptCoreAsync(recoverImmediately));

    private async Task<WorkerInfo> InterruptCoreAsync(bool recoverImmediately)
    {
        var interrupted = await Activation.InterruptAsync(recoverImmediately);
        // Recovered at once, its invocation goes on from where it stopped.
        if (recoverImmediately) KeepWhileBusy();
        return interrupted;
    }

    /// <inheritdoc/>
    public Task<WorkerInfo> RevertAsync(long lastOplogIndex, int numberOfInvocations) =>
        Portably(Activation.RevertAsync(numberOfInvocations > 0 ? Clay.Runtime.History.RevertTarget.Invocations(numberOfInvocations)
            : Clay.Runtime.History.RevertTarget.ToOplogIndex(lastOplogIndex)));

    /// <inheritdoc/>
    public Task<WorkerInfo> UpdateAsync(long targetVersion, bool manual) => Portably(UpdateCoreAsync(targetVersion, manual));

    private async Task<WorkerInfo> UpdateCoreAsync(long targetVersion, bool manual)
    {
        var updated = await Activation.UpdateAsync(targetVersion, manual ? Clay.Runtime.Oplog.UpdateMode.Manual : Clay.Runtime.Oplog.UpdateMode.Automatic);
        // Its pending invocations go on on the new version.
        KeepWhileBusy();
        return updated;
    }

    /// <inheritdoc/>
    public Task<WorkerInfo> ForkFromAsync(string sourceComponent, string sourceWorker, long oplogIndex) =>
        Portably(Activation.ForkFromAsync(new Clay.Runtime.WorkerId(sourceComponent, sourceWorker), oplogIndex));

    /// <inheritdoc/>
    public Task<IReadOnlyList<ScheduleView>> GetSchedulesAsync() => Portably(GetSchedulesCoreAsync());

    private async Task<IReadOnlyList<ScheduleView>> GetSchedulesCoreAsync() =>
        [.. (await Activation.GetSchedulesAsync()).Select(s => new ScheduleView(s.IdempotencyKey, s.FunctionName,
            s.Arguments.Select(Clay.Runtime.Wave.WavePrinter.Print).ToArray(), s.DueAt))];

    /// <inheritdoc/>
    public Task CancelInvocationAsync(string idempotencyKey) => Portably(Activation.CancelInvocationAsync(idempotencyKey));

    /// <inheritdoc/>
    public Task<WorkerInfo> GetAsync() => Portably(Activation.GetInfoAsync());

    /// <inheritdoc/>
    public Task<WorkerDetails> GetDetailsAsync() => Portably(DetailsCoreAsync());

    private async Task<WorkerDetails> DetailsCoreAsync()
    {
        var info = await Activation.GetInfoAsync();
        return new WorkerDetails(info, await Clay.Runtime.History.WorkerUpdates.ReadAsync(services.Store, Id, info.UpdatesFrom));
    }

    /// <inheritdoc/>
    public Task<Clay.Runtime.History.WorkerLogPage> ReadLogsAsync(long after, int count) =>
        Portably(Clay.Runtime.History.WorkerLogs.ReadAsync(services.Store, Id, after, count));

    /// <inheritdoc/>
    public Task<OplogPage> ReadOplogAsync(long from, int count, string? query) => Portably(Activation.ReadOplogAsync(from, count, query));

    /// <inheritdoc/>
    public Task<OplogPage> ExportOplogAsync(long from, int count) => Portably(Activation.ExportOplogAsync(from, count));

    /// <inheritdoc/>
    public Task<bool> EvictAsync() => Portably(EvictCoreAsync());

    private async Task<bool> EvictCoreAsync()
    {
        var evicted = await Activation.TryEvictAsync();
        if (evicted is null)
        {
            // Not in memory: nothing to drop, but the caller learns whether the worker exists.
            if (!await Activation.ExistsAsync()) throw new WorkerNotFoundException(Activation.Id);
            DeactivateOnIdle();
            return true;
        }
        if (evicted == false) return false;
        DeactivateOnIdle();
        return true;
    }

    /// <inheritdoc/>
    public Task DeleteAsync() => Portably(DeleteCoreAsync());

    private async Task DeleteCoreAsync()
    {
        await Activation.DeleteAsync();
        DeactivateOnIdle();
    }

    /// <inheritdoc/>
    public Task ReleaseAsync(long callsSeen)
    {
        // A grain this very call has activated holds nothing either.
        if (_activation is null || _activation.LeftMemorySince(callsSeen)) DeactivateOnIdle();
        return Task.CompletedTask;
    }

    /// <summary>The error to throw instead of <paramref name="error"/> to the caller (see <see cref="PortableErrors"/>), logged here; null to let it go as it is.</summary>
    private ClayException? Crossing(ClayException error)
    {
        var portable = PortableErrors.Portable(error);
        if (ReferenceEquals(portable, error)) return null;
        Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(logger, error, "{Grain} answered {Code}", this.GetGrainId(), error.Code);
        return portable;
    }

    private Task<T> Portably<T>(Task<T> task) => task.IsCompletedSuccessfully ? task : PortablyAsync(task);

    private async Task<T> PortablyAsync<T>(Task<T> task)
    {
        try
        {
            return await task;
        }
        catch (ClayException ex) when (Crossing(ex) is { } portable)
        {
            throw portable;
        }
    }

    private Task Portably(Task task) => task.IsCompletedSuccessfully ? task : PortablyAsync(task);

    private async Task PortablyAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (ClayException ex) when (Crossing(ex) is { } portable)
        {
            throw portable;
        }
    }

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref s_active);
        return base.OnActivateAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Interlocked.Decrement(ref s_active);
        if (_activation is not null)
        {
            await _activation.DisposeAsync();
            // Its commits have landed or are with the store's writer: what the store caches of it can go.
            services.Store.Forget(_activation.Id);
        }
        await base.OnDeactivateAsync(reason, cancellationToken);
    }
}
