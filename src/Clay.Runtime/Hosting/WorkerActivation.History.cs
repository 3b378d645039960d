using Clay.Runtime.Execution;
using Clay.Runtime.History;
using Microsoft.Extensions.Logging;

namespace Clay.Runtime.Hosting;

// Changes of a worker's history made from outside it: revert, fork and deletion. While one is made the
// worker is out of memory and every call that would open it waits, so no executor runs on the old history.
public sealed partial class WorkerActivation
{
    /// <summary>
    /// Reverts the worker: the entries after the target are skipped by replay from now on (one <c>jump</c>
    /// entry records the region; the entries stay for inspection), so its state is what it was there.
    /// A running or waiting invocation is dropped first, as a crash would drop it; the effects of the
    /// skipped region are never run again, and the idempotency keys of its invocations are forgotten.
    /// </summary>
    /// <exception cref="WorkerNotFoundException">It does not exist.</exception>
    /// <exception cref="Errors.ClayException"><c>oplog-index-out-of-range</c>, <c>invocation-count-out-of-range</c>, <c>revert-inside-invocation</c>.</exception>
    public async Task<WorkerInfo> RevertAsync(RevertTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        // Checked first against what is durable, so a request that cannot be met disturbs nothing.
        await RevertPlan.MakeAsync(services.Store, Id, target, cancellationToken);
        var edit = await BeginEditAsync(cancellationToken);
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
        try
        {
            if (edit.Current is { } executor) await StopAsync(executor, "was reverted");
            // Made again on what is durable now that nothing writes: the stopped invocation may have committed meanwhile.
            var plan = await RevertPlan.MakeAsync(services.Store, Id, target, CancellationToken.None);
            await plan.WriteAsync(services.Store, Id, services.Options.Time.GetUtcNow(), CancellationToken.None);
            if (plan.Mark.WakeAt is { } wakeAt) services.Options.WakeUps?.WakeAt(Id, wakeAt);
            services.Options.LoggerFactory.CreateLogger<WorkerActivation>().LogInformation(
                "Worker {Worker} reverted ({Target}): entries {From} to {To} skipped, {Invocations} invocation(s) undone",
                Id, target, plan.KeptThrough + 1, plan.LastIndex, plan.InvocationsUndone);
        }
        catch (Exception ex)
        {
            failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
        }
        finally
        {
            EndEdit(edit, restore: null);
        }
        if (failure is not null)
        {
            // Not reverted: the stopped worker goes on as it was, rebuilt from its oplog.
            if (edit.Current is not null) await WakeAsync(CancellationToken.None);
            failure.Throw();
        }
        // Opened again at once: what the history left to do (queued invocations) goes on.
        return (await OpenCoreAsync(null, cancellationToken)).GetInfo();
    }

    /// <summary>
    /// Creates this worker as a fork of <paramref name="source"/>: its oplog starts as a copy of the
    /// source's entries 1 to <paramref name="oplogIndex"/> (one durable write) and goes on on its own.
    /// The source is not touched. An invocation open at that index continues in the fork.
    /// </summary>
    /// <exception cref="WorkerNotFoundException">The source does not exist.</exception>
    /// <exception cref="WorkerAlreadyExistsException">This worker exists.</exception>
    /// <exception cref="Errors.ClayException"><c>oplog-index-out-of-range</c>, <c>fork-across-components</c>.</exception>
    public async Task<WorkerInfo> ForkFromAsync(WorkerId source, long oplogIndex, CancellationToken cancellationToken = default)
    {
        WorkerFork.Check(source, Id);
        var edit = await BeginEditAsync(cancellationToken);
        try
        {
            if (edit.Current is not null || await services.Store.GetLastIndexAsync(Id, cancellationToken) > 0) throw new WorkerAlreadyExistsException(Id);
            var mark = await WorkerFork.CopyAsync(services.Store, source, Id, oplogIndex, cancellationToken);
            if (mark.WakeAt is { } wakeAt) services.Options.WakeUps?.WakeAt(Id, wakeAt);
        }
        finally
        {
            EndEdit(edit, restore: edit.Current);
        }
        return (await OpenCoreAsync(null, cancellationToken)).GetInfo();
    }

    /// <summary>
    /// Stops the worker and deletes it: a running or waiting invocation is dropped where it stands (its
    /// callers get <c>invocation-abandoned</c>), then its oplog, mark, promises and schedules go in one
    /// durable step. A wake-up that was due for it finds nothing and does nothing.
    /// </summary>
    /// <exception cref="WorkerNotFoundException">It does not exist.</exception>
    public async Task DeleteAsync(CancellationToken cancellationToken = default)
    {
        var edit = await BeginEditAsync(cancellationToken);
        try
        {
            if (edit.Current is null && await services.Store.GetLastIndexAsync(Id, cancellationToken) == 0) throw new WorkerNotFoundException(Id);
            if (edit.Current is { } executor) await StopAsync(executor, "was deleted");
            await services.Store.DeleteAsync(Id, cancellationToken);
            services.Residency.Forget(Id);
            services.Deleted?.Invoke(Id);
        }
        finally
        {
            EndEdit(edit, restore: null);
        }
    }

    /// <summary>An edit of the worker's history in progress, and the executor that was in memory when it began.</summary>
    private sealed record Edit(TaskCompletionSource Done, WorkerExecutor? Current);

    /// <summary>
    /// Waits until no opening or other edit is under way, then takes the executor out of memory's reach:
    /// until <see cref="EndEdit"/> every call that would open the worker waits.
    /// </summary>
    private async Task<Edit> BeginEditAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_editing.IsCompleted && _opening is null)
                {
                    var current = _executor;
                    _executor = null;
                    _editing = done.Task;
                    return new Edit(done, current);
                }
                wait = _editing.IsCompleted ? _opening! : _editing;
            }
            try
            {
                await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
                // An opening ended: it is installed (or, failed, cleared) before the edit begins.
                if (wait is Task<WorkerExecutor>) await OpenCoreAsync(null, cancellationToken).ConfigureAwait(false);
            }
            catch (Errors.ClayException) when (!cancellationToken.IsCancellationRequested)
            {
                // The opening failed (the worker does not exist, or cannot be rebuilt): the edit decides.
            }
        }
    }

    /// <summary>Ends the edit; <paramref name="restore"/> is put back in memory when the edit left the worker as it was.</summary>
    private void EndEdit(Edit edit, WorkerExecutor? restore)
    {
        lock (_gate)
        {
            if (restore is not null && _executor is null) _executor = restore;
        }
        edit.Done.SetResult();
    }

    /// <summary>Drops the executor's running or waiting invocation, as a crash would, and closes it.</summary>
    private async Task StopAsync(WorkerExecutor executor, string why)
    {
        services.Residency.Remove(executor);
        await executor.AbandonAsync(why).ConfigureAwait(false);
        await executor.DisposeAsync().ConfigureAwait(false);
    }
}
