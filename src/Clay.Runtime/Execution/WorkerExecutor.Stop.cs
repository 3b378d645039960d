using Clay.Runtime.Errors;

namespace Clay.Runtime.Execution;

/// <summary>
/// Stopping a worker whose history is about to change under it (a revert) or to go (a deletion): the
/// running or waiting invocation is dropped where it stands, as a crash would drop it — its code never
/// runs on and nothing more of it is written — and its caller is told so.
/// </summary>
public sealed partial class WorkerExecutor
{
    private string? _abandonedBecause;

    /// <summary>
    /// Drops the running or waiting invocation and everything queued, writes nothing more, and returns
    /// once the executor has stopped. Callers waiting for the dropped invocation get <c>invocation-abandoned</c>
    /// naming <paramref name="why"/>.
    /// </summary>
    /// <param name="why">What happened to the worker, for the callers: "was reverted", "was deleted".</param>
    internal async Task AbandonAsync(string why)
    {
        Suspension? waiting;
        lock (_gate)
        {
            _abandonedBecause = why;
            // Any effect the dropped code still asks for is refused before it is performed or recorded.
            _context.InterruptRequested = new InvocationInterruptedException(Id);
            Volatile.Write(ref _restarting, true);
            _closed = true;
            waiting = _suspension;
            _scheduleTimer?.Dispose();
        }
        waiting?.Timer?.Dispose();
        CompleteQueue();
        _abandon.Cancel();
        await _processing.ConfigureAwait(false);
    }

    /// <summary>The error for a caller whose invocation was dropped by <see cref="AbandonAsync"/>, or null when none was.</summary>
    private ClayException? Abandoned(string key)
    {
        var why = Volatile.Read(ref _abandonedBecause);
        return why is null ? null : new ClayException(ErrorCodes.InvocationAbandoned,
            $"worker {Id} {why} while the invocation with idempotency key {key} was running or queued; it did not finish");
    }
}
