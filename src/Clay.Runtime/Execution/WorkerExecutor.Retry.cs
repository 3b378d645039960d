using Clay.Runtime.Oplog;
using Microsoft.Extensions.Logging;

namespace Clay.Runtime.Execution;

/// <summary>
/// Invocation-level retries. An invocation that fails for a transient reason — worker code throws
/// <see cref="Sdk.TransientException"/>, or an effect exhausts its own retries on a transient error —
/// is not answered: an <c>error</c> entry records the attempt, the worker waits (status
/// <see cref="WorkerStatus.Retrying"/>, its wake-up time stored), and the invocation runs again from
/// the oplog in a fresh instance: what it did before the failure is replayed, the rest runs live.
/// After the policy's last attempt the worker is <see cref="WorkerStatus.Failed"/> until resumed.
/// </summary>
public sealed partial class WorkerExecutor
{
    /// <summary>The error code of an attempt that will be retried.</summary>
    internal const string RetryErrorCode = "invocation-retry";

    /// <summary>The error code of the last attempt, after which the worker is failed.</summary>
    internal const string ExhaustedErrorCode = "retries-exhausted";

    private int _retryAttempts;
    private DateTimeOffset? _retryAt;

    /// <summary>Records the failed attempt and either schedules the next or fails the worker. Always throws.</summary>
    private async Task RetryLaterAsync(string functionName, Exception failure, CancellationToken cancellationToken)
    {
        var policy = _invocationRetry;
        var attempt = _retryAttempts + 1;
        var message = _options.Limits.Cut($"{functionName}: {failure.GetType().FullName}: {failure.Message}");
        if (attempt < policy.MaxAttempts)
        {
            var retryAt = _writer.Now + policy.DelayBefore(attempt + 1);
            _writer.Append(new OplogEntry.Error(_writer.Now, RetryErrorCode, message, attempt));
            _lastError = message;
            Volatile.Write(ref _restarting, true);
            Interlocked.Increment(ref _retryCount);
            Interlocked.Exchange(ref _wakeAtTicks, retryAt.UtcTicks);
            Status = WorkerStatus.Retrying;
            await FlushOrBreakAsync(cancellationToken);
            _options.WakeUps?.WakeAt(Id, retryAt);
            _logger.LogWarning("Worker {Worker}: {Function} failed transiently (attempt {Attempt} of {Max}), retrying at {At}: {Error}",
                Id, functionName, attempt, policy.MaxAttempts, retryAt, message);
            throw new WorkerSuspendedException(Id, $"is retrying {functionName} at {retryAt:O} after a transient failure (attempt {attempt} of {policy.MaxAttempts})");
        }
        _writer.Append(new OplogEntry.Error(_writer.Now, ExhaustedErrorCode, message, attempt));
        _lastError = message;
        Status = WorkerStatus.Failed;
        _openWhenStopped = true;
        _open = false;
        await FlushOrBreakAsync(cancellationToken);
        _logger.LogError("Worker {Worker} failed: {Function} failed transiently {Attempts} times: {Error}", Id, functionName, attempt, message);
        CompleteQueue();
        throw new WorkerUnavailableException(Id, WorkerStatus.Failed, _lastError);
    }

    /// <summary>
    /// Resumes the worker after its retries ran out (or it failed in replay): a <c>restart</c> entry
    /// starts a fresh count of attempts, and the worker is opened again to retry its invocation.
    /// </summary>
    /// <exception cref="Errors.ClayException"><c>worker-not-resumable</c>: it has not failed.</exception>
    internal async Task ResumeAsync(CancellationToken cancellationToken)
    {
        if (Status is not (WorkerStatus.Failed or WorkerStatus.Interrupted))
        {
            throw new Errors.ClayException(Errors.ErrorCodes.WorkerNotResumable, $"worker {Id} is {Status.ToString().ToLowerInvariant()}, neither failed nor interrupted: there is nothing to resume");
        }
        if (IsBroken) throw BrokenError();
        _writer.Append(new OplogEntry.Restart(_writer.Now));
        Status = WorkerStatus.Idle;
        _lastError = null;
        // An invocation left open is stored as work to continue: a crash before the worker reopens still
        // resumes it at start-up. A worker interrupted between invocations has nothing to continue.
        _open = _openWhenStopped;
        await FlushOrBreakAsync(cancellationToken);
        Volatile.Write(ref _restarting, true);
    }

    /// <summary>
    /// Interrupts the worker: the running invocation stops at its next effect or wait, a waiting one at
    /// once, and nothing more runs. Interrupted, the worker keeps that status (also after a restart)
    /// until <see cref="ResumeAsync"/>; with <paramref name="recoverImmediately"/> nothing is written and
    /// the worker is opened again right away — a crash, simulated.
    /// </summary>
    internal async Task InterruptAsync(bool recoverImmediately, CancellationToken cancellationToken)
    {
        Suspension? waiting;
        lock (_gate)
        {
            if (IsBroken) throw BrokenError();
            if (Status is WorkerStatus.Failed or WorkerStatus.Exited) throw new WorkerUnavailableException(Id, Status, _lastError);
            if (Status is WorkerStatus.Interrupted && !recoverImmediately) return;
            if (!recoverImmediately) _writer.Append(new OplogEntry.Interrupted(_writer.Now));
            _context.InterruptRequested = new InvocationInterruptedException(Id);
            Volatile.Write(ref _restarting, true);
            waiting = _suspension;
        }
        if (!recoverImmediately)
        {
            Status = WorkerStatus.Interrupted;
            _openWhenStopped = _open;
            _open = false;
            await FlushOrBreakAsync(cancellationToken);
        }
        CompleteQueue();
        if (waiting is not null) Abandon(waiting);
        // The running invocation stops at its next effect or wait.
        await _processing.WaitAsync(cancellationToken);
    }

    private Errors.ClayException Interrupted() =>
        new(Errors.ErrorCodes.WorkerInterrupted, $"worker {Id} is interrupted and takes no invocations: resume it with 'clay worker resume {Id}'");

    /// <summary>Prepares the open invocation to resume: its attempts so far, and when the next may start.</summary>
    private QueuedInvocation? Resume(OpenInvocation open)
    {
        if (open.Interrupted)
        {
            Status = WorkerStatus.Interrupted;
            _openWhenStopped = true;
            CompleteQueue();
            return null;
        }
        if (open.Exhausted is { } error)
        {
            // Its retries ran out before: the worker stays failed until it is resumed.
            Status = WorkerStatus.Failed;
            _openWhenStopped = true;
            _lastError = error;
            CompleteQueue();
            return null;
        }
        _retryAttempts = open.Attempts;
        _retryCount = open.Attempts;
        _retryAt = open.RetryAt;
        if (open.Attempts > 0) _lastError = open.LastError;
        var invoked = open.Invoked;
        return new QueuedInvocation(invoked.FunctionName, invoked.Arguments, Oplog.Codec.OplogCodec.EncodeArguments(invoked.Arguments),
            invoked.IdempotencyKey, recordedAt: open.Index);
    }

    /// <summary>The invocation that started and did not end, as the oplog tells it.</summary>
    /// <param name="Index">Its <c>exported-function-invoked</c> entry.</param>
    /// <param name="Invoked">That entry.</param>
    /// <param name="Attempts">Attempts that failed transiently since it started (or since the worker was last resumed).</param>
    /// <param name="RetryAt">When the next attempt may start, after a failed one.</param>
    /// <param name="LastError">The last failed attempt's error.</param>
    /// <param name="Exhausted">The error that exhausted its retries, when they ran out.</param>
    private sealed record OpenInvocation(long Index, OplogEntry.ExportedFunctionInvoked Invoked, int Attempts, DateTimeOffset? RetryAt,
        string? LastError, string? Exhausted, bool Interrupted = false)
    {
        public static OpenInvocation? Find(IReadOnlyList<(long Index, OplogEntry Entry)> entries, Sdk.RetryPolicy policy)
        {
            var start = -1;
            for (var i = entries.Count - 1; i >= 0 && start < 0; i--)
            {
                switch (entries[i].Entry)
                {
                    case OplogEntry.ExportedFunctionCompleted or OplogEntry.ExportedFunctionFailed:
                        return null;
                    case OplogEntry.ExportedFunctionInvoked:
                        start = i;
                        break;
                }
            }
            if (start < 0) return null;
            var open = new OpenInvocation(entries[start].Index, (OplogEntry.ExportedFunctionInvoked)entries[start].Entry, 0, null, null, null);
            for (var i = start + 1; i < entries.Count; i++)
            {
                open = entries[i].Entry switch
                {
                    OplogEntry.Error { ErrorCode: RetryErrorCode } error => open with
                    {
                        Attempts = error.Attempt,
                        RetryAt = error.Timestamp + policy.DelayBefore(error.Attempt + 1),
                        LastError = error.Message,
                        Exhausted = null,
                    },
                    OplogEntry.Error { ErrorCode: ExhaustedErrorCode } error => open with { Attempts = error.Attempt, LastError = error.Message, Exhausted = error.Message },
                    OplogEntry.Restart => open with { Attempts = 0, RetryAt = null, Exhausted = null, Interrupted = false },
                    OplogEntry.Interrupted => open with { Interrupted = true },
                    _ => open,
                };
            }
            return open;
        }
    }
}
