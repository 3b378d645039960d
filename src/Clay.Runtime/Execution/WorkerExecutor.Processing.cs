using Clay.Runtime.Errors;
using Clay.Runtime.Oplog;
using Clay.Runtime.Storage;
using Clay.Runtime.Types;
using Clay.Runtime.Values;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Clay.Runtime.Execution;

/// <summary>
/// The processing loop: takes invocations from the worker's queue one at a time, runs each live
/// (or answers it from the oplog when it already ran), commits its end, and measures the worker's
/// memory after it.
/// </summary>
public sealed partial class WorkerExecutor
{
    private async Task ProcessAsync()
    {
        try
        {
            await ProcessQueueAsync();
        }
        catch (Exception ex)
        {
            // The loop's own bookkeeping failed (worker code's failures are each invocation's own): this
            // executor cannot go on. What waits fails now, and the next call reloads the worker.
            _loopFailure = new ClayException(ErrorCodes.Internal, $"worker {Id} stopped taking invocations: {ex.Message}");
            _lastError = ex.Message;
            IsBroken = true;
            CompleteQueue();
            _logger.LogError(ex, "Worker {Worker} stopped taking invocations", Id);
        }
        _writer.SendHandedOver();

        // Shutting down: what is still queued was not started. Awaited callers get an error they
        // can retry with the same key; enqueued ones stay durably pending for the next start.
        List<(QueuedInvocation Queued, Exception Error)> notStarted = [];
        lock (_gate)
        {
            foreach (var queued in _queued.Values)
            {
                notStarted.Add((queued, _loopFailure ?? Abandoned(queued.IdempotencyKey) ?? (queued.RecordedAt > 0 || queued.PendingIndex > 0
                    ? new WorkerSuspendedException(Id, "stopped before running this invocation")
                    : new ClayException(ErrorCodes.Cancelled, $"worker {Id} stopped before running this invocation"))));
            }
            _queued.Clear();
        }
        // Outside the lock: the waiters' continuations run on this thread.
        foreach (var (queued, error) in notStarted) queued.Completion.TrySetException(error);
    }

    /// <summary>Runs the queue until it is completed and empty.</summary>
    private async Task ProcessQueueAsync()
    {
        while (true)
        {
            if (!_queue.TryTake(out var queued))
            {
                if (_queue.IsDone) break;
                await WaitForWorkAsync();
                continue;
            }
            // The last commit may have handed its result over on the store's writer thread, which
            // must go back to writing: an invocation's code runs on the thread pool. A caller that
            // woke the loop on its own thread (see WakeForCaller) gets it back after one invocation.
            if (t_carrying == this ? CarriedTooFar() : !Thread.CurrentThread.IsThreadPoolThread) await Task.Yield();
            if (queued.Cancelled) continue;
            if (IsBroken || _restarting || Status is WorkerStatus.Failed or WorkerStatus.Exited)
            {
                Finish(queued, null, IsBroken ? BrokenError()
                    : Abandoned(queued.IdempotencyKey) is { } abandoned ? abandoned
                    : _restarting ? new WorkerSuspendedException(Id, "is being retried from its oplog")
                    : new WorkerUnavailableException(Id, Status, _lastError));
                continue;
            }
            using var telemetry = Diagnostics.InvocationTelemetry.Start(Id, queued.FunctionName, queued.IdempotencyKey, queued.Parent,
                resumed: queued.RecordedAt > 0, _options.InvocationLogScopes ? _logger : null);
            lock (_gate) _running = queued;
            InvocationOutcome? finished = null;
            try
            {
                if (queued.RecordedAt > 0 && _retryAt is { } retryAt)
                {
                    // A retry waits out its delay first, suspended like a sleep.
                    await WaitUntilAsync(retryAt, WorkerStatus.Retrying, CancellationToken.None).WaitAsync(_abandon.Token);
                    _retryAt = null;
                }
                else if (queued.RecordedAt == 0)
                {
                    _retryAttempts = 0;
                }
                // An enqueued invocation runs once it is durably queued: code that ends the process
                // (or the host) at once must not leave a caller with an invocation, or a new worker, that never was.
                if (queued.PendingIndex > _writer.DurableIndex) await FlushOrBreakAsync(CancellationToken.None);
                _open = true;
                if (queued.PendingIndex > 0) Interlocked.Decrement(ref _durablePending);
                var outcome = await ExecuteAsync(queued.FunctionName, queued.Arguments, queued.EncodedArguments, queued.IdempotencyKey,
                    recordedAt: queued.RecordedAt, CancellationToken.None);
                telemetry.Ended(outcome.ExceptionType);
                finished = outcome;
            }
            catch (WorkerSuspendedException suspended)
            {
                // Retried from the oplog: nothing more runs in this executor.
                telemetry.Suspended();
                Finish(queued, null, suspended);
                break;
            }
            catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
            {
                // Closed while the invocation waited: it resumes from the oplog when the worker wakes.
                telemetry.Suspended();
                Finish(queued, null, Abandoned(queued.IdempotencyKey) ?? new WorkerSuspendedException(Id, "left memory while its invocation waits"));
                break;
            }
            catch (NondeterminismException divergence)
            {
                // A resumed invocation's code no longer matches its history: the worker cannot go on, as
                // when its replay at opening diverges. It is failed, and that is recorded, not retried.
                telemetry.Broke(divergence);
                _recoveryFailure = divergence;
                Fail(divergence);
                await RecordFailureAsync(divergence);
                Finish(queued, null, divergence);
            }
            catch (Exception ex)
            {
                telemetry.Broke(ex);
                IsBroken = true;
                _lastError = ex.Message;
                _logger.LogError(ex, "Worker {Worker} could not commit an invocation of {Function}", Id, queued.FunctionName);
                Finish(queued, null, ex);
            }
            finally
            {
                lock (_gate) _running = null;
            }
            // Handed over once the worker is between invocations: the waiter's continuation runs on
            // this thread and may look at the worker (or call it again) before this loop goes on.
            if (finished is not null) Finish(queued, finished, null);
            // A handed-over end not yet sent with the answer (one the waiter did not send on this thread) goes now.
            _writer.SendHandedOver();
        }
    }

    private void Finish(QueuedInvocation queued, InvocationOutcome? outcome, Exception? error)
    {
        lock (_gate)
        {
            _queued.Remove(queued.IdempotencyKey);
            if (outcome is not null) _completed.Add(queued.IdempotencyKey, outcome.Recorded);
        }
        Interlocked.Exchange(ref _lastActivityTimestamp, _options.Time.GetTimestamp());
        if (outcome is not null) queued.Completion.TrySetResult(outcome);
        else queued.Completion.TrySetException(error!);
    }

    /// <summary>
    /// Runs one invocation on the worker's scheduler. <paramref name="recordedAt"/> is the oplog
    /// index of its <c>exported-function-invoked</c> entry during replay, or 0 for a new invocation.
    /// A replayed invocation must end the way the oplog says; a live one is committed before returning.
    /// A live one records <paramref name="encodedArguments"/>, the arguments as they were encoded when accepted.
    /// </summary>
    private async Task<InvocationOutcome> ExecuteAsync(string functionName, EquatableArray<Value> arguments, byte[]? encodedArguments, string key,
        long recordedAt, CancellationToken cancellationToken)
    {
        var function = _component.Model.FindFunction(functionName);
        if (function is null)
        {
            if (recordedAt > 0) throw new NondeterminismException(recordedAt, $"an invocation of {functionName}", "a component without that function");
            throw new FunctionNotFoundException(Id.Component, functionName, _component.Model.Functions.Select(f => f.Name));
        }
        var invokedAt = recordedAt > 0
            ? recordedAt
            : _writer.AppendEncoded(Oplog.Codec.OplogCodec.EncodeInvocation(OplogEntryKind.ExportedFunctionInvoked, _writer.Now, functionName,
                encodedArguments ?? Oplog.Codec.OplogCodec.EncodeArguments(arguments), key));

        Interlocked.Exchange(ref _invocationCpuStart, _scheduler.CpuNanoseconds);
        Volatile.Write(ref _runningFunction, functionName);
        Interlocked.Increment(ref _invocationsStarted);
        Status = WorkerStatus.Running;
        _context.BeginInvocation(key, _running?.CallChain);
        Value? result = null;
        Exception? failure = null;
        var instance = _instance!;
        var running = _scheduler.Run(async () =>
        {
            _context.MakeCurrent();
            try
            {
                return await function.InvokeAsync(instance, arguments.AsImmutableArray());
            }
            finally
            {
                // A last line without its newline belongs to this invocation, before its end entry.
                _context.FlushOutput();
            }
        });
        try
        {
            // A worker closed while the invocation waits abandons it: its code never runs on.
            result = await running.WaitAsync(_abandon.Token);
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested && !running.IsCompleted)
        {
            throw;
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        // Worker code may have swallowed a divergence in a catch block; it still ends replay.
        var divergence = failure as NondeterminismException ?? _context.Divergence;
        if (divergence is not null) throw divergence;

        var end = _replay.PeekSignificant();
        var limits = _options.Limits;
        InvocationOutcome outcome = failure is null
            ? new InvocationOutcome(key, functionName, result, null, null)
            : new InvocationOutcome(key, functionName, null, failure.GetType().FullName ?? failure.GetType().Name, limits.Cut(failure.Message));
        long endedAt;
        if (end is { } recorded)
        {
            outcome = VerifyEnd(recorded, outcome);
            _replay.Next();
            endedAt = recorded.Index;
        }
        else if (_context.InterruptRequested is not null && failure is not null)
        {
            // Stopped at an effect or a wait: nothing more is written; it resumes from here.
            throw new WorkerSuspendedException(Id, "was interrupted");
        }
        else if (failure is not null && (_context.RetryRequested is not null || failure is Sdk.TransientException))
        {
            await RetryLaterAsync(functionName, _context.RetryRequested ?? failure, cancellationToken);
            throw new UnreachableException();
        }
        else
        {
            // The end entry is encoded once: its size is checked on the bytes that are written.
            var encoded = Oplog.Codec.OplogCodec.Encode(outcome.ExceptionType is null
                ? new OplogEntry.ExportedFunctionCompleted(_writer.Now, outcome.Result)
                : new OplogEntry.ExportedFunctionFailed(_writer.Now, outcome.ExceptionType, outcome.ExceptionMessage!));
            if (result is not null && outcome.ExceptionType is null && encoded.Length > Math.Min(limits.MaxResultBytes, limits.MaxEntryBytes - 4096))
            {
                outcome = new InvocationOutcome(key, functionName, null, InvocationOutcome.ResultTooLargeType,
                    $"the result of {functionName} takes {encoded.Length:N0} bytes; the limit is {limits.MaxResultBytes:N0} (--max-result-size)");
                encoded = Oplog.Codec.OplogCodec.Encode(new OplogEntry.ExportedFunctionFailed(_writer.Now, outcome.ExceptionType!, outcome.ExceptionMessage!));
            }
            endedAt = _writer.AppendEncoded(encoded);
            _open = false;
            MeasureMemory(force: false);
            MaybeSnapshot(key);
            // Durable here, or handed over to a store whose owner holds the caller's answer until it is.
            await FlushOrBreakAsync(cancellationToken, handOver: true);
            WakeCaller();
        }
        if (Status is WorkerStatus.Running) Status = WorkerStatus.Idle;
        // Made in this method, seen by nobody yet: set rather than copied.
        outcome.Recorded = new CompletedInvocation(invokedAt, endedAt);
        return outcome;
    }

    /// <summary>
    /// The answer of a call from another worker is committed: the caller, which may have left memory
    /// while it waited, is woken to collect it (asked again under the same key, it gets the recorded
    /// answer). Only an awaited call carries a call chain; its last link is the caller.
    /// </summary>
    private void WakeCaller()
    {
        if (_running?.CallChain is not [.., var caller] || _options.WakeUps is not { } wakeUps) return;
        var slash = caller.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == caller.Length - 1) return;
        wakeUps.WakeAt(new WorkerId(caller[..slash], caller[(slash + 1)..]), _options.Time.GetUtcNow());
    }

    /// <summary>
    /// Re-estimates the instance's memory (after every invocation while the state is small, every
    /// 16th once it is large) and records a <c>grow-memory</c> entry when it grew past what the oplog
    /// last recorded. Runs between invocations, so the state is not changing underneath.
    /// </summary>
    private void MeasureMemory(bool force)
    {
        if (_instance is null) return;
        if (!force && _measuredObjects >= 256 && ++_invocationsSinceMeasure < 16) return;
        _invocationsSinceMeasure = 0;
        var measured = Memory.ObjectGraphSize.Measure(_instance);
        _measuredObjects = measured.Objects;
        if (Interlocked.Exchange(ref _memoryNow, measured.Bytes) != measured.Bytes) Residency?.Remeasured(this);
        if (measured.Bytes <= _recordedMemory || Status is WorkerStatus.Failed) return;
        _writer.Append(new OplogEntry.GrowMemory(_writer.Now, measured.Bytes - _recordedMemory, measured.Bytes));
        _recordedMemory = measured.Bytes;
    }
}
