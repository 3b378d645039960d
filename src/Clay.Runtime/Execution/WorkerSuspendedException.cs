using Clay.Runtime.Errors;

namespace Clay.Runtime.Execution;

/// <summary>
/// The invocation did not end in this executor: it waits for time (a durable sleep, a retry) or for
/// a promise, and the worker was closed meanwhile, or it is being retried from its oplog. It goes on
/// by itself when the worker wakes; asking again with the same idempotency key joins it.
/// </summary>
public sealed class WorkerSuspendedException : ClayException
{
    /// <summary>Creates the exception.</summary>
    public WorkerSuspendedException(WorkerId worker, string why)
        : base(ErrorCodes.InvocationSuspended, $"worker {worker} {why}; the invocation continues by itself — ask again with the same idempotency key for its result")
    {
    }
}
