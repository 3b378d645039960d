using Clay.Runtime.Errors;
using Clay.Runtime.Storage;

namespace Clay.Runtime.Execution;

/// <summary>
/// Waiting without holding the worker: a durable sleep, a wait before a retry and a wait for a
/// promise each store the worker's mark (status and wake-up time) with its oplog before they wait,
/// so the worker may be dropped from memory meanwhile. Dropped, the waiting invocation is abandoned
/// where it stands — its code never runs on — and the worker is rebuilt by replay when it wakes.
/// </summary>
public sealed partial class WorkerExecutor
{
    private readonly CancellationTokenSource _abandon = new();
    private Suspension? _suspension;
    private bool _closed;
    private volatile bool _open;
    // Whether an invocation was open when the worker stopped (interrupted, or out of retries): resuming continues it.
    private bool _openWhenStopped;
    private int _durablePending;
    private long _wakeAtTicks;
    // Whether the running invocation waits for another worker's answer (see StatusMark).
    private volatile bool _waitingForAnswer;

    /// <summary>
    /// A wait in progress: what ends it, the executor's own timer if it has one, the promise it waits
    /// for (0: it waits for time), and whether any wake-up ends it (a wait for another worker's answer).
    /// </summary>
    private sealed record Suspension(TaskCompletionSource Resumed, ITimer? Timer, long Promise, bool EndsOnAnyWake = false);

    /// <summary>True while the running invocation waits for time or a promise.</summary>
    public bool IsSuspended
    {
        get
        {
            lock (_gate) return _suspension is not null;
        }
    }

    /// <summary>
    /// True while the running invocation waits for time or a promise and nothing has ended the wait
    /// yet: the worker has nothing to do until its clock or the outside world moves it on. (Once the
    /// wait is ended, <see cref="IsSuspended"/> stays true until the invocation has taken it up.)
    /// </summary>
    public bool IsWaiting
    {
        get
        {
            lock (_gate) return _suspension is { Resumed.Task.IsCompleted: false };
        }
    }

    /// <summary>
    /// True when the worker may be dropped from memory now without losing anything: it has nothing
    /// to do, or its invocation waits durably and nothing queued behind it would be lost (invocations
    /// enqueued durably are in the oplog and are picked up again when it wakes).
    /// </summary>
    public bool IsEvictable
    {
        get
        {
            lock (_gate)
            {
                if (_queued.Count == 0) return true;
                if (_suspension is null) return false;
                foreach (var queued in _queued.Values)
                {
                    if (queued.PendingIndex == 0 && queued.RecordedAt == 0 && !ReferenceEquals(queued, _running)) return false;
                }
                return true;
            }
        }
    }

    /// <summary>How the worker calls other workers, if its host lets it.</summary>
    internal IWorkerCaller? Workers => _options.Workers;

    /// <summary>Sleeps at least this long suspend the worker durably.</summary>
    internal TimeSpan DurableSleepThreshold => _options.DurableSleepThreshold;

    /// <summary>When the worker next wants to be woken, if it waits for time.</summary>
    public DateTimeOffset? WakeAt
    {
        get
        {
            var sleep = Interlocked.Read(ref _wakeAtTicks);
            var schedule = Interlocked.Read(ref _nextScheduleTicks);
            var ticks = sleep == 0 ? schedule : schedule == 0 ? sleep : Math.Min(sleep, schedule);
            return ticks > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
        }
    }

    /// <summary>When the running invocation's wait for time ends, if it waits for time.</summary>
    private DateTimeOffset? WaitEndsAt => Interlocked.Read(ref _wakeAtTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>
    /// The worker's mark as of now, for the store. Called under the oplog writer's lock: it reads
    /// fields only and takes no lock.
    /// </summary>
    private WorkerMark CurrentMark() => StatusMark().RunningVersion(_component.Version, _created.ComponentVersion);

    /// <summary>The mark's status, error and wake-up as of now (see <see cref="CurrentMark"/>).</summary>
    private WorkerMark StatusMark()
    {
        var status = _status;
        var wakeAt = WakeAt;
        switch (status)
        {
            case WorkerStatus.Failed or WorkerStatus.Exited:
                return new WorkerMark(status, LastError: _lastError);
            case WorkerStatus.Suspended or WorkerStatus.Retrying:
                // A caller waiting for an answer is woken by its callee, which knows it only while both are in
                // memory: after a restart it must ask again at once, so start-up recovery takes it up.
                return new WorkerMark(status, HasPendingWork: _waitingForAnswer, WakeAt: wakeAt);
            case WorkerStatus.Interrupted:
                return new WorkerMark(status);
        }
        var pending = _open || Volatile.Read(ref _durablePending) > 0;
        if (!pending && wakeAt is null) return WorkerMark.Idle;
        return new WorkerMark(_open ? WorkerStatus.Running : WorkerStatus.Idle, pending, wakeAt);
    }

    /// <summary>
    /// Waits until <paramref name="wakeAt"/> with the worker suspended (or retrying): the wake-up time is
    /// durable before the wait begins. Runs on the worker's scheduler, from the invocation.
    /// </summary>
    internal Task WaitUntilAsync(DateTimeOffset wakeAt, WorkerStatus status, CancellationToken cancellationToken) =>
        WaitAsync(wakeAt, status, answer: null, cancellationToken);

    /// <summary>
    /// Waits, suspended, for the answer of a call to another worker: until <paramref name="answer"/>
    /// completes while the worker is in memory, until anything wakes the worker (the callee wakes its
    /// caller once the answer is committed), or until <paramref name="pollAt"/> — the safety net for a
    /// wake-up lost in a crash. The wake-up time is durable, so the worker may leave memory meanwhile;
    /// then the invocation is abandoned here and, woken, asks the callee again under the same key.
    /// </summary>
    internal async Task WaitForAnswerAsync(Task answer, DateTimeOffset pollAt, CancellationToken cancellationToken)
    {
        // Recorded, so that the commit before the wait has an entry to carry the worker's mark: the
        // stored mark must say that the worker waits, and until when, before it may leave memory.
        _writer.Append(new Oplog.OplogEntry.Suspend(_writer.Now, pollAt));
        _waitingForAnswer = true;
        try
        {
            await WaitAsync(pollAt, WorkerStatus.Suspended, answer, cancellationToken);
        }
        finally
        {
            _waitingForAnswer = false;
        }
    }

    /// <summary>The token cancelled when the waiting invocation is abandoned (the worker left memory, or was interrupted).</summary>
    internal CancellationToken AbandonToken => _abandon.Token;

    /// <summary>How long a caller waits for a callee's wake-up before it asks again.</summary>
    internal TimeSpan CallPollInterval => _options.CallPollInterval;

    private async Task WaitAsync(DateTimeOffset wakeAt, WorkerStatus status, Task? answer, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _wakeAtTicks, wakeAt.UtcTicks);
        Status = status;
        await FlushOrBreakAsync(cancellationToken);
        _options.WakeUps?.WakeAt(Id, wakeAt);
        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // With a wake-up clock the host wakes the worker (in memory or not): one timer per wait in the
        // process, not two. Without one, the executor keeps its own.
        var due = wakeAt - _options.Time.GetUtcNow();
        using var timer = _options.WakeUps is not null ? null : _options.Time.CreateTimer(static state => ((TaskCompletionSource)state!).TrySetResult(), resumed,
            due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        var suspension = new Suspension(resumed, timer, 0, EndsOnAnyWake: answer is not null);
        answer?.ContinueWith(static (_, state) =>
        {
            var (executor, waiting) = ((WorkerExecutor, Suspension))state!;
            // An abandoned wait stays abandoned: its code never runs on.
            lock (executor._gate)
            {
                if (!executor._closed && !executor._abandon.IsCancellationRequested) waiting.Resumed.TrySetResult();
            }
        }, (this, suspension), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await SuspendAsync(suspension);
        Interlocked.Exchange(ref _wakeAtTicks, 0);
        Status = WorkerStatus.Running;
    }

    /// <summary>
    /// The completion of the worker's promise <paramref name="promise"/>, waiting for it with the worker
    /// suspended. Runs on the worker's scheduler, from the invocation.
    /// </summary>
    internal async Task<byte[]> AwaitPromiseAsync(long promise, CancellationToken cancellationToken)
    {
        var promises = _store as IPromiseStore
            ?? throw new ClayException(ErrorCodes.StorageUnavailable, $"the oplog store of worker {Id} cannot keep promises");
        while (true)
        {
            if (await promises.GetAsync(Id, promise, cancellationToken) is { } value) return value;
            var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Status = WorkerStatus.Suspended;
            try
            {
                // The mark says that the worker waits, even when nothing waits to be recorded with it, so
                // that out of memory it is listed as suspended and not taken up again at start-up.
                await FlushOrBreakAsync(cancellationToken, withMark: true);
                var suspension = new Suspension(resumed, null, promise);
                // Completed while the mark was being written: the notice may have come before the wait.
                lock (_gate) _suspension = suspension;
                if (await promises.GetAsync(Id, promise, cancellationToken) is { } early)
                {
                    lock (_gate) _suspension = null;
                    return early;
                }
                await SuspendAsync(suspension);
            }
            finally
            {
                Status = WorkerStatus.Running;
            }
        }
    }

    /// <summary>Told that promise <paramref name="promise"/> was completed: a wait for it ends.</summary>
    public void PromiseCompleted(long promise)
    {
        lock (_gate)
        {
            if (_suspension is { } waiting && waiting.Promise == promise) waiting.Resumed.TrySetResult();
        }
    }

    /// <summary>
    /// Told that the worker's wake-up time may have come: a wait for time that is due ends, and so
    /// does a wait for another worker's answer (it asks the callee again).
    /// </summary>
    public void WakeIfDue()
    {
        lock (_gate)
        {
            if (_suspension is { Promise: 0 } waiting && (waiting.EndsOnAnyWake || WaitEndsAt is { } at && at <= _options.Time.GetUtcNow()))
            {
                waiting.Resumed.TrySetResult();
            }
        }
        FireDueSchedules();
    }

    /// <summary>Waits for the suspension to end; never returns when the worker is closed first (the invocation is abandoned).</summary>
    private async Task SuspendAsync(Suspension suspension)
    {
        bool abandon;
        lock (_gate)
        {
            _suspension = suspension;
            abandon = _closed;
        }
        if (abandon) Abandon(suspension);
        // A wake-up that came before the wait was registered found nothing to end: look again.
        else if (suspension is { Promise: 0, EndsOnAnyWake: false }) WakeIfDue();
        await suspension.Resumed.Task;
        lock (_gate)
        {
            if (ReferenceEquals(_suspension, suspension)) _suspension = null;
        }
    }

    /// <summary>Drops the waiting invocation: its wait never ends, and the processing loop stops.</summary>
    private void Abandon(Suspension suspension)
    {
        suspension.Timer?.Dispose();
        _abandon.Cancel();
    }

    /// <summary>
    /// Marks the executor closed; a waiting invocation is abandoned (it resumes from the oplog when the
    /// worker wakes), a running one is let finish.
    /// </summary>
    private void Close()
    {
        Suspension? waiting;
        lock (_gate)
        {
            _closed = true;
            waiting = _suspension;
            _scheduleTimer?.Dispose();
        }
        if (waiting is not null) Abandon(waiting);
    }
}
