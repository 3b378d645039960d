using Clay.Runtime.Errors;
using Clay.Runtime.Oplog;
using Clay.Runtime.Types;
using Clay.Runtime.Values;

namespace Clay.Runtime.Execution;

/// <summary>
/// Scheduled invocations and cancellation. A scheduled invocation is written to the oplog when it
/// is accepted and waits there — the worker may leave memory meanwhile, its mark carrying the
/// earliest due time — and joins the queue as a durably queued invocation when its time comes.
/// Queued and scheduled invocations can be cancelled by key until they start.
/// </summary>
public sealed partial class WorkerExecutor
{
    private readonly Dictionary<string, ScheduledInvocation> _scheduled = new(StringComparer.Ordinal);
    private long _nextScheduleTicks;
    private ITimer? _scheduleTimer;

    /// <summary>The invocations waiting for their time, earliest first.</summary>
    public IReadOnlyList<ScheduledInvocation> Schedules
    {
        get
        {
            lock (_gate) return [.. _scheduled.Values.OrderBy(s => s.DueAt).ThenBy(s => s.Index)];
        }
    }

    /// <summary>
    /// Schedules <paramref name="functionName"/> to start at <paramref name="dueAt"/>; returns once the
    /// schedule is durable, with its idempotency key (which also cancels it). A key already known returns at once.
    /// </summary>
    public async Task<string> ScheduleAsync(string functionName, IReadOnlyList<Value> arguments, string? idempotencyKey, DateTimeOffset dueAt,
        CancellationToken cancellationToken = default)
    {
        var key = idempotencyKey ?? FreshKeys.Next();
        lock (_gate)
        {
            if (IsBroken) throw BrokenError();
            if (_restarting) throw new WorkerSuspendedException(Id, "is being retried from its oplog");
            if (Status is WorkerStatus.Failed or WorkerStatus.Exited) throw new WorkerUnavailableException(Id, Status, _lastError);
            if (_completed.TryGet(key, out _) || _queued.ContainsKey(key) || _scheduled.ContainsKey(key)) return key;
            var (values, _) = CheckAcceptable(functionName, arguments);
            var entry = new OplogEntry.ScheduledInvocation(_writer.Now, functionName, values, key, dueAt);
            var index = _writer.Append(entry);
            _scheduled.Add(key, new ScheduledInvocation(index, functionName, values, key, dueAt));
            UpdateNextSchedule();
        }
        await FlushOrBreakAsync(cancellationToken);
        ArmSchedules();
        return key;
    }

    /// <summary>
    /// Cancels the queued or scheduled invocation with <paramref name="idempotencyKey"/> before it starts;
    /// durable once this returns.
    /// </summary>
    /// <exception cref="ClayException"><c>invocation-not-cancellable</c> (running or finished), <c>invocation-not-found</c>.</exception>
    public async Task CancelAsync(string idempotencyKey, CancellationToken cancellationToken = default)
    {
        QueuedInvocation? dropped = null;
        lock (_gate)
        {
            if (IsBroken) throw BrokenError();
            if (_scheduled.Remove(idempotencyKey))
            {
                _writer.Append(new OplogEntry.CancelPendingInvocation(_writer.Now, idempotencyKey));
                UpdateNextSchedule();
            }
            else if (_queued.TryGetValue(idempotencyKey, out var queued) && !ReferenceEquals(queued, _running) && queued.RecordedAt == 0)
            {
                if (queued.PendingIndex > 0)
                {
                    _writer.Append(new OplogEntry.CancelPendingInvocation(_writer.Now, idempotencyKey));
                    Interlocked.Decrement(ref _durablePending);
                }
                queued.Cancelled = true;
                _queued.Remove(idempotencyKey);
                dropped = queued;
            }
            else if (_queued.ContainsKey(idempotencyKey))
            {
                throw new ClayException(ErrorCodes.InvocationNotCancellable, $"the invocation with key {idempotencyKey} is running on worker {Id}; only a queued or scheduled one can be cancelled");
            }
            else if (_completed.TryGet(idempotencyKey, out _))
            {
                throw new ClayException(ErrorCodes.InvocationNotCancellable, $"the invocation with key {idempotencyKey} has finished on worker {Id}; only a queued or scheduled one can be cancelled");
            }
            else
            {
                throw new ClayException(ErrorCodes.InvocationNotFound, $"worker {Id} has no queued or scheduled invocation with key {idempotencyKey}");
            }
        }
        await FlushOrBreakAsync(cancellationToken);
        dropped?.Completion.TrySetException(new ClayException(ErrorCodes.Cancelled, $"the invocation with key {idempotencyKey} was cancelled before it ran"));
    }

    /// <summary>Moves the scheduled invocations whose time has come into the queue.</summary>
    private void FireDueSchedules()
    {
        var now = _options.Time.GetUtcNow();
        lock (_gate)
        {
            if (_scheduled.Count == 0 || _closed) return;
            foreach (var due in _scheduled.Values.Where(s => s.DueAt <= now).OrderBy(s => s.DueAt).ThenBy(s => s.Index).ToList())
            {
                _scheduled.Remove(due.IdempotencyKey);
                if (_completed.TryGet(due.IdempotencyKey, out _) || _queued.ContainsKey(due.IdempotencyKey)) continue;
                var queued = new QueuedInvocation(due.FunctionName, due.Arguments, Oplog.Codec.OplogCodec.EncodeArguments(due.Arguments),
                    due.IdempotencyKey, due.Index);
                _queued.Add(due.IdempotencyKey, queued);
                Interlocked.Increment(ref _durablePending);
                Enqueue(queued);
            }
            UpdateNextSchedule();
        }
        ArmSchedules();
    }

    /// <summary>Keeps the earliest due time for the mark. Called under the gate.</summary>
    private void UpdateNextSchedule()
    {
        long next = 0;
        foreach (var scheduled in _scheduled.Values)
        {
            if (next == 0 || scheduled.DueAt.UtcTicks < next) next = scheduled.DueAt.UtcTicks;
        }
        Interlocked.Exchange(ref _nextScheduleTicks, next);
    }

    /// <summary>Asks to be woken at the earliest due time: by the host's clock, or by a timer of its own without one.</summary>
    private void ArmSchedules()
    {
        var next = Interlocked.Read(ref _nextScheduleTicks);
        if (next == 0) return;
        var at = new DateTimeOffset(next, TimeSpan.Zero);
        if (_options.WakeUps is { } wakeUps)
        {
            wakeUps.WakeAt(Id, at);
            return;
        }
        var due = at - _options.Time.GetUtcNow();
        lock (_gate)
        {
            if (_closed) return;
            _scheduleTimer ??= _options.Time.CreateTimer(static state => ((WorkerExecutor)state!).FireDueSchedules(), this,
                Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _scheduleTimer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Takes back the schedules the oplog holds that neither started nor were cancelled. Called in recovery.</summary>
    private void RestoreSchedules(List<(long Index, OplogEntry Entry)> entries, HashSet<string> started)
    {
        foreach (var (index, entry) in entries)
        {
            if (entry is OplogEntry.ScheduledInvocation s && !_completed.TryGet(s.IdempotencyKey, out _) && !started.Contains(s.IdempotencyKey))
            {
                _scheduled[s.IdempotencyKey] = new ScheduledInvocation(index, s.FunctionName, s.Arguments, s.IdempotencyKey, s.DueAt);
            }
        }
        UpdateNextSchedule();
    }
}

/// <summary>An invocation waiting for its time.</summary>
/// <param name="Index">Its <c>scheduled-invocation</c> entry.</param>
/// <param name="FunctionName">The function.</param>
/// <param name="Arguments">The arguments.</param>
/// <param name="IdempotencyKey">Its key, which also cancels it.</param>
/// <param name="DueAt">When it may start.</param>
public sealed record ScheduledInvocation(long Index, string FunctionName, EquatableArray<Value> Arguments, string IdempotencyKey, DateTimeOffset DueAt);
