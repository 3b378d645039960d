using Clay.Runtime.Errors;
using Clay.Runtime.Oplog;
using Clay.Runtime.Storage;
using Clay.Runtime.Types;
using Clay.Runtime.Values;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Clay.Runtime.Execution;

public sealed partial class WorkerExecutor
{
    /// <summary>
    /// Rebuilds the worker: constructs a fresh instance, loads the latest snapshot if there is one,
    /// and replays every recorded invocation after it, serving effects from the oplog. An invocation
    /// that was running at a crash resumes and completes live. Then starts processing the queue,
    /// beginning with invocations that were durably enqueued but never started.
    /// </summary>
    private async Task RecoverAsync(RecoveryWindow window, CancellationToken cancellationToken)
    {
        QueuedInvocation? resumed = null;
        try
        {
            _replay.Next(); // the create entry
            _instance = await _scheduler.Run(() =>
            {
                _context.MakeCurrent();
                return Task.FromResult(_component.Model.CreateInstance(_context));
            });
            Interlocked.Exchange(ref _memoryAtStartup, Memory.ObjectGraphSize.Measure(_instance).Bytes);
            _recordedMemory = window.Read.Select(e => e.Entry).OfType<OplogEntry.GrowMemory>().LastOrDefault()?.Total ?? 0;
            // The executor writes no update entry itself (an update rebuilds the worker): its snapshots say where they begin.
            _firstUpdate = window.FirstUpdate;
            if (window.Snapshot is { } taken)
            {
                // The invocations before the snapshot are not run again: their keys come from the
                // entries read before it and their effect on the state from the snapshot.
                foreach (var (index, entry) in window.Read.Where(e => e.Index < taken.Index))
                {
                    await ApplyHistoryAsync(index, entry, execute: false, cancellationToken);
                }
                _lastError = taken.Entry.LastError ?? _lastError;
                _recordedMemory = Math.Max(_recordedMemory, taken.Entry.RecordedMemory);
                var instance = _instance!;
                await _scheduler.Run(() =>
                {
                    _context.MakeCurrent();
                    Snapshots.WorkerSnapshots.Load(instance, taken.Entry.Format, taken.Entry.Data.Span.ToArray());
                    return Task.FromResult(0);
                });
                _lastSnapshotIndex = taken.Index;
                _lastSnapshotStateBytes = taken.Entry.Data.Length;
                // The writer counts from here: what the oplog holds after the snapshot counts too.
                _bytesAtLastSnapshot = -window.BytesAfterSnapshot;
            }

            // The invocation that had started but not ended is not run here: it resumes first in the
            // queue, so that opening the worker does not wait for it (it may sleep for days).
            var open = OpenInvocation.Find(window.Replayed, _invocationRetry);
            while (_replay.HasMore)
            {
                if (open is not null && _replay.Peek()!.Value.Index == open.Index)
                {
                    _replay.Next();
                    resumed = Resume(open);
                    break;
                }
                var (index, entry) = _replay.Next();
                await ApplyHistoryAsync(index, entry, execute: true, cancellationToken);
            }
        }
        catch (Snapshots.SnapshotException)
        {
            // The caller starts over with a full replay.
            throw;
        }
        catch (Exception ex)
        {
            // Nondeterminism, a corrupt oplog, or the constructor or component itself failing
            // during replay: the worker cannot be rebuilt.
            _recoveryFailure = ex;
            Fail(ex);
            if (ex is NondeterminismException divergence) await RecordFailureAsync(divergence);
            return;
        }

        if (Status is not (WorkerStatus.Exited or WorkerStatus.Failed or WorkerStatus.Interrupted)) Status = WorkerStatus.Idle;
        // Rebuilt only to check an update: nothing runs and nothing is written.
        if (_rebuildOnly) return;
        MeasureMemory(force: true);
        if (resumed is not null)
        {
            _queued.Add(resumed.IdempotencyKey, resumed);
            Enqueue(resumed);
        }
        RequeuePending(window.Read);
        StartLoop();
        FireDueSchedules();
    }

    /// <summary>The runtime's default execution context (no async-local values), in which every loop starts.</summary>
    private static readonly Lazy<ExecutionContext> s_loopContext = new(() =>
    {
        // A thread started without the flow of this one's context runs in the default one.
        ExecutionContext? context = null;
        using (ExecutionContext.SuppressFlow())
        {
            var thread = new Thread(() => context = ExecutionContext.Capture());
            thread.Start();
            thread.Join();
        }
        return context!;
    });

    /// <summary>
    /// Starts the processing loop. The loop outlives the call that brought the worker into memory: it
    /// must not carry that call's span or logging scopes into every later invocation (each sets its
    /// own), so it starts in the default context. With nothing queued yet it starts here, up to its
    /// first wait: the invocation the opener queues next then starts on the opener's thread (see
    /// <see cref="WakeForCaller"/>), as it does for a worker already in memory. With invocations
    /// queued already (resumed, or pending from before a restart) it starts on the pool.
    /// </summary>
    private void StartLoop()
    {
        if (!_queue.Any)
        {
            ExecutionContext.Run(s_loopContext.Value, static state => ((WorkerExecutor)state!)._processing = ((WorkerExecutor)state!).ProcessAsync(), this);
            return;
        }
        using (ExecutionContext.SuppressFlow()) _processing = Task.Run(ProcessAsync, CancellationToken.None);
    }

    /// <summary>
    /// The one set of rules for a worker's recorded history, used both where it is replayed (after the
    /// snapshot: invocations run again, effects served from the oplog) and where it is only restored
    /// (before the snapshot, whose state already holds their effect: only their keys are kept).
    /// Worker-level facts (exit, last error) are taken from either part alike.
    /// </summary>
    private async ValueTask ApplyHistoryAsync(long index, OplogEntry entry, bool execute, CancellationToken cancellationToken)
    {
        switch (entry)
        {
            case OplogEntry.ExportedFunctionInvoked invoked when execute:
                var outcome = await ExecuteAsync(invoked.FunctionName, invoked.Arguments, null, invoked.IdempotencyKey, index, cancellationToken);
                _completed.Add(invoked.IdempotencyKey, outcome.Recorded);
                break;
            case OplogEntry.ExportedFunctionInvoked invoked:
                _restoring = (index, invoked.IdempotencyKey);
                break;
            case OplogEntry.ExportedFunctionCompleted or OplogEntry.ExportedFunctionFailed when !execute && _restoring is { } started:
                _completed.Add(started.Key, new CompletedInvocation(started.Index, index));
                _restoring = null;
                break;
            case OplogEntry.Exited:
                Status = WorkerStatus.Exited;
                break;
            case OplogEntry.Interrupted:
                Status = WorkerStatus.Interrupted;
                break;
            case OplogEntry.Restart when Status is WorkerStatus.Interrupted:
                Status = WorkerStatus.Idle;
                break;
            case OplogEntry.Error error when error.ErrorCode != "effect-failed":
                _lastError = error.Message;
                break;
            default:
                // Everything else outside an invocation is a marker the history rules do not act on.
                break;
        }
    }

    /// <summary>
    /// Takes a snapshot when <see cref="WorkerExecutorOptions.SnapshotEvery"/> entries were written
    /// since the last one. Runs between invocations, so the state is consistent.
    /// </summary>
    private void MaybeSnapshot(string runningKey)
    {
        if (_instance is null || _snapshotsDisabled || _options.SnapshotEvery <= 0) return;
        var entriesSince = _writer.LastIndex - _lastSnapshotIndex;
        var bytesSince = _writer.EncodedBytes - _bytesAtLastSnapshot;
        var byEntries = entriesSince >= _options.SnapshotEvery;
        var byBytes = _options.SnapshotEveryBytes > 0 && bytesSince >= _options.SnapshotEveryBytes;
        // A small state sooner: the entries since its last snapshot already outweigh it.
        var bySize = _options.SnapshotSmallStateEvery > 0 && entriesSince >= _options.SnapshotSmallStateEvery && bytesSince >= _lastSnapshotStateBytes;
        if (!byEntries && !byBytes && !bySize) return;
        try
        {
            var (format, data) = Snapshots.WorkerSnapshots.Save(_instance);
            long firstPending = 0;
            lock (_gate)
            {
                foreach (var queued in _queued.Values)
                {
                    if (queued.PendingIndex > 0 && queued.IdempotencyKey != runningKey && (firstPending == 0 || queued.PendingIndex < firstPending))
                    {
                        firstPending = queued.PendingIndex;
                    }
                }
                foreach (var scheduled in _scheduled.Values)
                {
                    if (firstPending == 0 || scheduled.Index < firstPending) firstPending = scheduled.Index;
                }
            }
            _lastSnapshotIndex = _writer.Append(new OplogEntry.Snapshot(_writer.Now, format, new Bytes(data), firstPending, _recordedMemory, _lastError,
                _component.Version, _firstUpdate));
            _bytesAtLastSnapshot = _writer.EncodedBytes;
            _lastSnapshotStateBytes = data.Length;
        }
        catch (Exception ex) when (ex is Snapshots.SnapshotException or ClayException { Code: ErrorCodes.OplogEntryTooLarge })
        {
            _snapshotsDisabled = true;
            _logger.LogWarning("Worker {Worker} takes no snapshots: {Problem}", Id, ex.Message);
        }
    }

    /// <summary>
    /// Records a failure found while rebuilding the worker that no retry can cure — its code no longer
    /// replays its history — as an <c>error</c> entry, so that the stored mark says Failed (with the error)
    /// and listings, <c>worker get</c> and a restarted server show the worker Failed without loading it.
    /// Failures that may pass (storage, a crashed host) are not recorded: the next access tries again.
    /// Recorded once: a worker already stored as failed is not written to again.
    /// </summary>
    private async Task RecordFailureAsync(ClayException failure)
    {
        // A rebuild that only tries a new version (an update) writes nothing: the update records its own outcome.
        if (_rebuildOnly || IsBroken || _writer.StoredMark.Status == WorkerStatus.Failed) return;
        try
        {
            _writer.Append(new OplogEntry.Error(_writer.Now, failure.Code, _lastError ?? failure.Message, 0));
            await _writer.FlushAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogWarning("Worker {Worker}: its failure could not be recorded ({Problem}); it shows its last stored status when out of memory", Id, ex.Message);
        }
    }

    private void Fail(Exception ex)
    {
        _instance = null;
        Status = WorkerStatus.Failed;
        _lastError = ex is ClayException clay ? $"[{clay.Code}] {ex.Message}" : $"{ex.GetType().FullName}: {ex.Message}";
        _logger.LogError(ex, "Worker {Worker} failed: {Error}", Id, _lastError);
        // Nothing more is processed; fail whatever was already queued.
        CompleteQueue();
    }

    /// <summary>
    /// Queues again the invocations enqueued durably but neither started nor cancelled. Recovery
    /// reads back to the oldest one still pending at the snapshot, so <paramref name="entries"/> holds
    /// them all, and every invocation started after them.
    /// </summary>
    private void RequeuePending(List<(long Index, OplogEntry Entry)> entries)
    {
        var started = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, entry) in entries)
        {
            switch (entry)
            {
                case OplogEntry.ExportedFunctionInvoked invoked:
                    started.Add(invoked.IdempotencyKey);
                    break;
                case OplogEntry.CancelPendingInvocation cancel:
                    started.Add(cancel.IdempotencyKey);
                    break;
            }
        }
        RestoreSchedules(entries, started);
        foreach (var (index, entry) in entries)
        {
            if (entry is OplogEntry.PendingWorkerInvocation pending && !_completed.TryGet(pending.IdempotencyKey, out _)
                && started.Add(pending.IdempotencyKey))
            {
                var queued = new QueuedInvocation(pending.FunctionName, pending.Arguments, Oplog.Codec.OplogCodec.EncodeArguments(pending.Arguments),
                    pending.IdempotencyKey, index);
                _queued.Add(pending.IdempotencyKey, queued);
                Interlocked.Increment(ref _durablePending);
                Enqueue(queued);
            }
        }
    }

    /// <summary>Checks that a replayed invocation ended as recorded; returns the recorded outcome.</summary>
    private static InvocationOutcome VerifyEnd((long Index, OplogEntry Entry) recorded, InvocationOutcome outcome)
    {
        switch (recorded.Entry)
        {
            case OplogEntry.ExportedFunctionFailed { ExceptionType: InvocationOutcome.ResultTooLargeType } limited:
                // The result was over the limit when it ran live: that verdict stands, whatever the limit is now.
                return outcome with { Result = null, ExceptionType = limited.ExceptionType, ExceptionMessage = limited.Message };
            case OplogEntry.ExportedFunctionCompleted completed when outcome.ExceptionType is null:
                if (!Equals(completed.Result, outcome.Result))
                {
                    throw new NondeterminismException(recorded.Index, $"the result {Show(completed.Result)}", $"to return {Show(outcome.Result)}");
                }
                break;
            case OplogEntry.ExportedFunctionFailed failed when outcome.ExceptionType is not null:
                if (failed.ExceptionType != outcome.ExceptionType)
                {
                    throw new NondeterminismException(recorded.Index, $"the invocation failing with {failed.ExceptionType}",
                        $"to fail with {outcome.ExceptionType}");
                }
                break;
            default:
                var attempted = outcome.ExceptionType is null ? "to end the invocation" : $"to fail with {outcome.ExceptionType}";
                throw new NondeterminismException(recorded.Index, DurableWorkerContext.Describe(recorded.Entry), attempted);
        }
        return outcome;
    }

    private static string Show(Value? value) => value is null ? "(unit)" : Wave.WavePrinter.Print(value);
}
