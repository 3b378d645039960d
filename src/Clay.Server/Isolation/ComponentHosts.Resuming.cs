using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Execution;

namespace Clay.Server.Isolation;

// The waking, after a host crashed, of the component's workers that had work under way: one at a
// time, so that a crash that follows is charged to the one worker whose resumed work ran.
internal sealed partial class ComponentHosts
{
    /// <summary>
    /// How long one worker woken after a crash may go on with its work before the next one is woken
    /// beside it (see <see cref="ResumeOneByOneAsync"/>).
    /// </summary>
    public static readonly TimeSpan ResumeHold = TimeSpan.FromSeconds(5);

    /// <summary>How long waking one worker after a crash (its new host started, the worker opened) may take before the next is woken.</summary>
    private static readonly TimeSpan WakeWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <paramref name="worker"/> was woken in <paramref name="host"/>: when it is the worker being woken
    /// after the last crash, a crash of this host with no call in flight is charged to it (while its work
    /// goes on). Workers of the same component that live on other nodes are woken through their own nodes'
    /// doors and hosts, and are never charged here.
    /// </summary>
    public void Woken(WorkerId worker, ComponentHost host)
    {
        if (!_slots.TryGetValue(worker.Component, out var slot)) return;
        TaskCompletionSource<ComponentHost>? resuming;
        lock (slot.Gate)
        {
            if (slot.Resuming is not { } current || current.Worker != worker) return;
            resuming = current.Woken;
            slot.Resuming = null;
        }
        host.WentOn(worker);
        resuming.TrySetResult(host);
    }

    /// <summary>
    /// Finds the component's workers whose marks show work begun or queued (but the quarantined), and
    /// starts waking them (<see cref="ResumeOneByOneAsync"/>), so that work goes on in the next host as it
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
        _logger.LogInformation("{Count} workers of {Component} with work under way go on in a new host, one at a time", pending.Count, component);
        _ = ResumeOneByOneAsync(slot, pending, stop);
    }

    /// <summary>
    /// Wakes <paramref name="workers"/> one at a time: each once the one before shows its work done (or
    /// waiting for a timer or an answer), its host has ended, or it has gone on for
    /// <see cref="ResumeHold"/>. A crash of the host with no call in flight is then charged to the one
    /// worker whose resumed work was running, not to every worker woken with it — a neighbour whose
    /// queued call merely ran beside the culprit's is not quarantined with it. Stopped by
    /// <paramref name="stopping"/> when the host crashes (the next one takes up those still waiting) or
    /// the server stops.
    /// </summary>
    private async Task ResumeOneByOneAsync(Slot slot, IReadOnlyList<WorkerId> workers, CancellationTokenSource stopping)
    {
        var stop = stopping.Token;
        await Task.Yield();
        foreach (var worker in workers)
        {
            if (_disposed || stop.IsCancellationRequested) return;
            if (slot.WorkerQuarantines.ContainsKey(worker)) continue;
            var woken = new TaskCompletionSource<ComponentHost>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (slot.Gate)
            {
                // A crash since (its waking is no longer the slot's) or a quarantine: nothing more is woken from here.
                if (slot.StopResuming != stopping || slot.Quarantine is not null) return;
                slot.Resuming = (worker, woken);
            }
            try
            {
                await _wake(worker, stop).WaitAsync(WakeWait, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (TimeoutException)
            {
                // Slow to open (its wake goes on): the next one is woken.
            }
            catch (Exception ex) when (ex is not WorkerNotFoundException)
            {
                // Its host crashed while it opened (the next host takes it up), or a passing fault: the wake-up
                // timers try it again, as they do every wake-up, and the next one is woken now.
                _logger.LogDebug("Worker {Worker} was not woken after its host crashed: {Problem}", worker, ex.Message);
                if (!woken.Task.IsCompleted) _server.WakeSoon(worker);
            }
            catch (WorkerNotFoundException)
            {
                // Deleted since: nothing to wake.
            }
            lock (slot.Gate)
            {
                if (slot.Resuming is { } current && current.Worker == worker) slot.Resuming = null;
            }
            // Not woken in a host of this server (it lives on another node, or its wake failed): nothing to wait for.
            if (!woken.Task.IsCompletedSuccessfully) continue;
            var host = woken.Task.Result;
            try
            {
                await Task.WhenAny(host.DoneHere(worker), host.Ended).WaitAsync(ResumeHold, stop);
            }
            catch (TimeoutException)
            {
                // Still at it: the next goes on beside it (both are charged if the host crashes now).
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            if (host.Ended.IsCompleted) return;
        }
    }
}
