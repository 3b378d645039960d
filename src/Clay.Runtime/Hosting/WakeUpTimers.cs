using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Microsoft.Extensions.Logging;

namespace Clay.Runtime.Hosting;

/// <summary>
/// The process's wake-up clock: one timer over a queue of (time, worker), which wakes each worker
/// through the host's door when its time comes. Fed at start from the store's marks (workers with
/// pending work are woken at once, sleepers at their time) and then by the workers themselves as
/// they start to wait. Waking is idempotent, so a worker woken twice, or already in memory, costs a
/// lookup. Wake-ups run a bounded number at a time, so a start with many workers to recover does
/// not open them all at once.
/// </summary>
/// <remarks>
/// A worker out of memory must be rebuilt before it can go on: its component loaded (after a restart,
/// for the first time), its oplog replayed. Done at its wake-up time, that makes it late by as much
/// (half a second on a busy two-core machine). With a <c>warmUp</c> lead, the clock brings the worker
/// back that long before its time — it replays up to its wait and waits again, in memory — and wakes
/// it at its time, when only its continuation is left to run.
/// </remarks>
/// <remarks>
/// Orleans reminders were the alternative; they tick at a one-minute granularity at best and keep
/// a row per reminder, while durable sleeps need sub-second accuracy and the wake-up time is already
/// stored with the worker's mark (see docs/durability.md).
/// </remarks>
public sealed class WakeUpTimers : IWorkerWakeUps, IAsyncDisposable
{
    private static readonly TimeSpan RetryAfterError = TimeSpan.FromSeconds(5);
    private readonly Func<WorkerId, CancellationToken, Task> _wake;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly PriorityQueue<(WorkerId Worker, bool WarmUp), long> _due = new();
    private readonly long _warmUpTicks;
    private readonly SemaphoreSlim _concurrency;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _timer;
    private long _armedFor = long.MaxValue;
    private int _running;

    /// <summary>Creates the clock.</summary>
    /// <param name="wake">Brings a worker into memory (through its door); <see cref="WorkerNotFoundException"/> means it is gone.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Where failed wake-ups are reported.</param>
    /// <param name="concurrency">How many wake-ups run at once.</param>
    /// <param name="warmUp">How long before its time a worker is brought back into memory (zero: at its time).</param>
    public WakeUpTimers(Func<WorkerId, CancellationToken, Task> wake, TimeProvider time, ILogger logger, int concurrency = 32,
        TimeSpan warmUp = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(warmUp, TimeSpan.Zero);
        _warmUpTicks = warmUp.Ticks;
        _wake = wake;
        _time = time;
        _logger = logger;
        _concurrency = new SemaphoreSlim(concurrency);
        _timer = time.CreateTimer(static state => ((WakeUpTimers)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Wake-ups waiting for their time (a worker brought back early counts once more until it is).</summary>
    public int Waiting
    {
        get
        {
            lock (_gate) return _due.Count;
        }
    }

    /// <summary>Wake-ups under way.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <inheritdoc/>
    public void WakeAt(WorkerId worker, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested) return;
            _due.Enqueue((worker, false), at.UtcTicks);
            var first = at.UtcTicks;
            // Brought back early only when there is time left for it: a worker that re-registers its
            // wait after the warm-up (its replay reached the wait) is woken at its time alone.
            var warmAt = at.UtcTicks - _warmUpTicks;
            if (_warmUpTicks > 0 && warmAt > _time.GetUtcNow().UtcTicks)
            {
                _due.Enqueue((worker, true), warmAt);
                first = warmAt;
            }
            if (first < _armedFor) Arm(first);
        }
    }

    /// <summary>
    /// Schedules every worker the store marks as needing attention: pending work now, sleepers at
    /// their time. Reads only the marks, never an oplog.
    /// </summary>
    /// <returns>How many workers were scheduled.</returns>
    public async Task<int> LoadAsync(IOplogStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var now = _time.GetUtcNow();
        var count = 0;
        await foreach (var marked in store.ListMarkedAsync(cancellationToken))
        {
            var at = marked.Mark.HasPendingWork || marked.Mark.WakeAt is null ? now : marked.Mark.WakeAt.Value;
            WakeAt(marked.Worker, at < now ? now : at);
            count++;
        }
        return count;
    }

    /// <summary>Stops waking workers; wake-ups under way are cancelled.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate) _stopping.Cancel();
        await _timer.DisposeAsync();
    }

    /// <summary>Arms the timer for <paramref name="ticks"/>; called under the lock.</summary>
    private void Arm(long ticks)
    {
        _armedFor = ticks;
        var due = new DateTimeOffset(ticks, TimeSpan.Zero) - _time.GetUtcNow();
        _timer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private void Fire()
    {
        var now = _time.GetUtcNow().UtcTicks;
        var ready = new List<WorkerId>();
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested) return;
            _armedFor = long.MaxValue;
            while (_due.TryPeek(out var entry, out var at) && at <= now)
            {
                _due.Dequeue();
                ready.Add(entry.Worker);
            }
            if (_due.TryPeek(out _, out var next)) Arm(next);
        }
        foreach (var worker in ready.Distinct()) _ = WakeAsync(worker);
    }

    private async Task WakeAsync(WorkerId worker)
    {
        Interlocked.Increment(ref _running);
        var token = _stopping.Token;
        try
        {
            await _concurrency.WaitAsync(token).ConfigureAwait(false);
            try
            {
                await _wake(worker, token).ConfigureAwait(false);
            }
            finally
            {
                _concurrency.Release();
            }
        }
        catch (WorkerNotFoundException)
        {
            // Deleted since it asked: nothing to wake.
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Errors.ClayException ex) when (ex.Code != Errors.ErrorCodes.StorageUnavailable)
        {
            // Not a passing fault (its component is gone, …): the next call to the worker reports it.
            _logger.LogWarning("Worker {Worker} could not be woken: [{Code}] {Error}", worker, ex.Code, ex.Message);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Worker {Worker} could not be woken; trying again in {Delay}", worker, RetryAfterError);
            WakeAt(worker, _time.GetUtcNow() + RetryAfterError);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
