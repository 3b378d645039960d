using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Execution;

namespace Clay.Server.Isolation;

// The waking, after a host crashed, of the component's workers that had work under way: in batches
// that grow while each finishes (ResumeBatches), so that a crash that follows is charged to the
// workers of one batch, and a worker near the crash limit is woken alone.
internal sealed partial class ComponentHosts
{
    /// <summary>
    /// How long the workers of one batch woken after a crash may go on with their work before the next
    /// batch is woken beside them (see <see cref="ResumeInBatchesAsync"/>).
    /// </summary>
    public static readonly TimeSpan ResumeHold = TimeSpan.FromSeconds(5);

    /// <summary>How long waking one worker after a crash (its new host started, the worker opened) may take before the next batch is woken.</summary>
    private static readonly TimeSpan WakeWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <paramref name="worker"/> was woken in <paramref name="host"/>: when it is among the workers being
    /// woken after the last crash, a crash of this host with no call in flight is charged to it (while its
    /// work goes on). Workers of the same component that live on other nodes are woken through their own
    /// nodes' doors and hosts, and are never charged here.
    /// </summary>
    public void Woken(WorkerId worker, ComponentHost host)
    {
        if (!_slots.TryGetValue(worker.Component, out var slot)) return;
        TaskCompletionSource<ComponentHost>? resuming;
        lock (slot.Gate)
        {
            if (slot.Resuming is not { } batch || !batch.Remove(worker, out resuming)) return;
        }
        host.WentOn(worker);
        resuming.TrySetResult(host);
    }

    /// <summary>
    /// Finds the component's workers whose marks show work begun or queued (but the quarantined), and
    /// starts waking them (<see cref="ResumeInBatchesAsync"/>), so that work goes on in the next host as it
    /// would after a restart, without waiting for a call.
    /// </summary>
    private async Task ResumePendingAsync(string component, Slot slot)
    {
        IReadOnlyList<WorkerId> pending;
        try
        {
            pending = await _server.PendingAsync(component, worker => slot.WorkerQuarantines.ContainsKey(worker));
        }
        catch (Exception ex) when (ex is ClayException or InvalidOperationException or System.Data.Common.DbException)
        {
            // Their next call, or the next start, takes them up.
            _logger.LogWarning(ex, "The workers of {Component} with work under way could not be woken after its host crashed", component);
            return;
        }
        if (pending.Count == 0) return;
        var stop = new CancellationTokenSource();
        lock (slot.Gate) slot.StopResuming = stop;
        _logger.LogInformation("{Count} workers of {Component} with work under way go on in a new host, in growing batches", pending.Count, component);
        _ = ResumeInBatchesAsync(slot, pending, stop);
    }

    /// <summary>
    /// Wakes <paramref name="workers"/> in batches (<see cref="ResumeBatches"/>): the first of one worker,
    /// each next one once every worker of the batch before shows its work done (or waiting for a timer or
    /// an answer) — twice as large then — or its host has ended, or they have gone on for
    /// <see cref="ResumeHold"/>. A crash of the host with no call in flight is then charged to the workers
    /// of the batch whose resumed work was still running, not to every worker woken since the crash; and
    /// a worker that one more charge would quarantine is woken alone, so that a neighbour whose queued
    /// call merely ran beside the culprit's is never quarantined with it. Stopped by
    /// <paramref name="stopping"/> when the host crashes (the next one takes up those still waiting, from
    /// a batch of one again) or the server stops.
    /// </summary>
    private async Task ResumeInBatchesAsync(Slot slot, IReadOnlyList<WorkerId> workers, CancellationTokenSource stopping)
    {
        var stop = stopping.Token;
        await Task.Yield();
        var size = 1;
        var next = 0;
        while (true)
        {
            if (_disposed || stop.IsCancellationRequested) return;
            var batch = ResumeBatches.Take(workers, ref next, size, slot.WorkerQuarantines.ContainsKey,
                worker => slot.WorkerCrashes.TryGetValue(worker, out var crashes) ? crashes : 0, CrashLimit);
            if (batch.Count == 0) return;
            var woken = batch.ToDictionary(worker => worker, _ => new TaskCompletionSource<ComponentHost>(TaskCreationOptions.RunContinuationsAsynchronously));
            var resuming = new Dictionary<WorkerId, TaskCompletionSource<ComponentHost>>(woken);
            lock (slot.Gate)
            {
                // A crash since (its waking is no longer the slot's) or a quarantine: nothing more is woken from here.
                if (slot.StopResuming != stopping || slot.Quarantine is not null) return;
                slot.Resuming = resuming;
            }
            var stopped = await Task.WhenAll(batch.Select(worker => WakeAsync(worker, woken[worker], stop)));
            lock (slot.Gate)
            {
                if (slot.Resuming == resuming) slot.Resuming = null;
            }
            if (stopped.Any(s => s)) return;
            // Those not woken in a host of this server (living on another node, or whose wake failed): nothing to wait for.
            var going = woken.Where(w => w.Value.Task.IsCompletedSuccessfully).Select(w => (Worker: w.Key, Host: w.Value.Task.Result)).ToList();
            var finished = true;
            try
            {
                await Task.WhenAll(going.Select(w => Task.WhenAny(w.Host.DoneHere(w.Worker), w.Host.Ended))).WaitAsync(ResumeHold, stop);
            }
            catch (TimeoutException)
            {
                // Still at it: the next batch goes on beside them (all are charged if the host crashes now).
                finished = false;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            if (going.Any(w => w.Host.Ended.IsCompleted)) return;
            size = ResumeBatches.After(size, finished);
        }
    }

    /// <summary>Wakes one worker of a batch; true when the waking is to stop.</summary>
    private async Task<bool> WakeAsync(WorkerId worker, TaskCompletionSource<ComponentHost> woken, CancellationToken stop)
    {
        try
        {
            await _wake(worker, stop).WaitAsync(WakeWait, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return true;
        }
        catch (TimeoutException)
        {
            // Slow to open (its wake goes on): the next batch is woken.
        }
        catch (Exception ex) when (ex is not WorkerNotFoundException)
        {
            // Its host crashed while it opened (the next host takes it up), or a passing fault: the wake-up
            // timers try it again, as they do every wake-up, and the next batch is woken now.
            _logger.LogDebug("Worker {Worker} was not woken after its host crashed: {Problem}", worker, ex.Message);
            if (!woken.Task.IsCompleted) _server.WakeSoon(worker);
        }
        catch (WorkerNotFoundException)
        {
            // Deleted since: nothing to wake.
        }
        return false;
    }
}
