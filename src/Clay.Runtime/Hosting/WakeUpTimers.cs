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
    private readonly PriorityQueue<WorkerId, long> _due = new();
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
    public WakeUpTimers(Func<WorkerId, CancellationToken, Task> wake, TimeProvider time, ILogger logger, int concurrency = 32)
    {
        _wake = wake;
        _time = time;
        _logger = logger;
        _concurrency = new SemaphoreSlim(concurrency);
        _timer = time.CreateTimer(static state => ((WakeUpTimers)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Wake-ups waiting for their time.</summary>
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
            _due.Enqueue(worker, at.UtcTicks);
            if (at.UtcTicks < _armedFor) Arm(at.UtcTicks);
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
            while (_due.TryPeek(out var worker, out var at) && at <= now)
            {
                _due.Dequeue();
                ready.Add(worker);
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
