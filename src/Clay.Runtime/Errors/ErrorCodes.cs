namespace Clay.Runtime.Errors;

/// <summary>The stable error codes. Never change a published one; add new ones.</summary>
public static class ErrorCodes
{
    /// <summary>Malformed WAVE text or a WAVE value that does not fit the expected type.</summary>
    public const string InvalidWaveValue = "invalid-wave-value";
    /// <summary>Malformed JSON value or one that does not fit the expected type.</summary>
    public const string InvalidJsonValue = "invalid-json-value";
    /// <summary>A component assembly that cannot be used (no worker class, unsupported type, …).</summary>
    public const string InvalidComponent = "invalid-component";
    /// <summary>An unsupported .NET type in a component's interface.</summary>
    public const string UnsupportedType = "unsupported-type";
    /// <summary>No such component.</summary>
    public const string ComponentNotFound = "component-not-found";
    /// <summary>No such worker.</summary>
    public const string WorkerNotFound = "worker-not-found";
    /// <summary>The worker already exists.</summary>
    public const string WorkerAlreadyExists = "worker-already-exists";
    /// <summary>No such exported function.</summary>
    public const string FunctionNotFound = "function-not-found";
    /// <summary>Wrong number or types of arguments.</summary>
    public const string InvalidArguments = "invalid-arguments";
    /// <summary>Replay asked for a different effect than the one recorded.</summary>
    public const string NondeterminismDetected = "nondeterminism-detected";
    /// <summary>The worker failed permanently and takes no more invocations.</summary>
    public const string WorkerFailed = "worker-failed";
    /// <summary>The worker exited and takes no more invocations.</summary>
    public const string WorkerExited = "worker-exited";
    /// <summary>The exported function threw.</summary>
    public const string InvocationFailed = "invocation-failed";
    /// <summary>An append's expected oplog index did not match: another writer owns the worker.</summary>
    public const string OplogConflict = "oplog-conflict";
    /// <summary>Stored oplog data failed its checksum or could not be decoded.</summary>
    public const string OplogCorrupt = "oplog-corrupt";
    /// <summary>The storage could not complete a durable write.</summary>
    public const string StorageUnavailable = "storage-unavailable";
    /// <summary>A bad worker or component name.</summary>
    public const string InvalidName = "invalid-name";
    /// <summary>The request was cancelled or the executor is shutting down.</summary>
    public const string Cancelled = "cancelled";
    /// <summary>A malformed <c>worker oplog --query</c>.</summary>
    public const string InvalidOplogQuery = "invalid-oplog-query";
    /// <summary>A malformed <c>worker list --filter</c>.</summary>
    public const string InvalidWorkerFilter = "invalid-worker-filter";
    /// <summary>An invocation's arguments exceed the size limit.</summary>
    public const string ArgumentTooLarge = "argument-too-large";
    /// <summary>An invocation's result exceeds the size limit; the invocation is recorded as failed.</summary>
    public const string ResultTooLarge = "result-too-large";
    /// <summary>An oplog entry would exceed the size limit.</summary>
    public const string OplogEntryTooLarge = "oplog-entry-too-large";
    /// <summary>The worker has as many invocations waiting as it may; retry later.</summary>
    public const string TooManyPending = "too-many-pending";
    /// <summary>The component has as many workers as it may.</summary>
    public const string TooManyWorkers = "too-many-workers";
    /// <summary>An unexpected failure: a bug in Clay, never the caller's fault.</summary>
    public const string Internal = "internal-error";
    /// <summary>The invocation did not finish within the time the caller waits; it goes on and keeps its key.</summary>
    public const string InvocationTimeout = "invocation-timeout";
    /// <summary>The invocation waits (a durable sleep, a retry, a promise) in a worker that left memory; it goes on by itself and keeps its key.</summary>
    public const string InvocationSuspended = "invocation-suspended";
    /// <summary>No promise with that id was created by the worker.</summary>
    public const string PromiseNotFound = "promise-not-found";
    /// <summary>The promise was completed before; a promise is completed once.</summary>
    public const string PromiseAlreadyCompleted = "promise-already-completed";
    /// <summary>The worker cannot be resumed: it is neither failed nor interrupted.</summary>
    public const string WorkerNotResumable = "worker-not-resumable";
    /// <summary>A worker-to-worker call would wait on a worker already waiting for this call: the cycle would never end.</summary>
    public const string CallCycle = "call-cycle";
    /// <summary>The worker was interrupted and takes no invocations until it is resumed.</summary>
    public const string WorkerInterrupted = "worker-interrupted";
    /// <summary>The worker has no queued, scheduled, running or recent invocation with that idempotency key.</summary>
    public const string InvocationNotFound = "invocation-not-found";
    /// <summary>The invocation is running or has finished: only a queued or scheduled one can be cancelled.</summary>
    public const string InvocationNotCancellable = "invocation-not-cancellable";
    /// <summary>An oplog index outside the worker's oplog (or, for a revert, one that leaves nothing to revert).</summary>
    public const string OplogIndexOutOfRange = "oplog-index-out-of-range";
    /// <summary>A revert of more invocations than the worker's history holds, or of fewer than one.</summary>
    public const string InvocationCountOutOfRange = "invocation-count-out-of-range";
    /// <summary>A revert to an index inside an invocation: a revert keeps or undoes whole invocations.</summary>
    public const string RevertInsideInvocation = "revert-inside-invocation";
    /// <summary>A fork into a worker of another component: a fork runs its source's component.</summary>
    public const string ForkAcrossComponents = "fork-across-components";
    /// <summary>The invocation was dropped unfinished because its worker was reverted or deleted while it ran.</summary>
    public const string InvocationAbandoned = "invocation-abandoned";
    /// <summary>An update to a component version that does not exist.</summary>
    public const string UpdateVersionNotFound = "update-version-not-found";
    /// <summary>An update to the version the worker already runs.</summary>
    public const string UpdateSameVersion = "update-same-version";
    /// <summary>An update that could not be made (replay diverged, or the snapshot hooks failed); the worker stays on its version.</summary>
    public const string UpdateFailed = "update-failed";
    /// <summary>An update mode other than auto or manual.</summary>
    public const string InvalidUpdateMode = "invalid-update-mode";
}
