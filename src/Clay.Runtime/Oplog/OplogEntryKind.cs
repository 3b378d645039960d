namespace Clay.Runtime.Oplog;

/// <summary>The stable tag of each <see cref="OplogEntry"/> kind. Stored on disk: never renumber.</summary>
public enum OplogEntryKind : byte
{
    /// <summary><c>create</c></summary>
    Create = 1,
    /// <summary><c>exported-function-invoked</c></summary>
    ExportedFunctionInvoked = 2,
    /// <summary><c>exported-function-completed</c></summary>
    ExportedFunctionCompleted = 3,
    /// <summary><c>exported-function-failed</c></summary>
    ExportedFunctionFailed = 4,
    /// <summary><c>imported-function-invoked</c></summary>
    ImportedFunctionInvoked = 5,
    /// <summary><c>suspend</c></summary>
    Suspend = 6,
    /// <summary><c>error</c></summary>
    Error = 7,
    /// <summary><c>interrupted</c></summary>
    Interrupted = 8,
    /// <summary><c>exited</c></summary>
    Exited = 9,
    /// <summary><c>jump</c></summary>
    Jump = 10,
    /// <summary><c>log</c></summary>
    Log = 11,
    /// <summary><c>pending-worker-invocation</c></summary>
    PendingWorkerInvocation = 12,
    /// <summary><c>pending-update</c></summary>
    PendingUpdate = 13,
    /// <summary><c>successful-update</c></summary>
    SuccessfulUpdate = 14,
    /// <summary><c>failed-update</c></summary>
    FailedUpdate = 15,
    /// <summary><c>snapshot</c></summary>
    Snapshot = 16,
    /// <summary><c>change-retry-policy</c></summary>
    ChangeRetryPolicy = 17,
    /// <summary><c>begin-atomic-region</c></summary>
    BeginAtomicRegion = 18,
    /// <summary><c>end-atomic-region</c></summary>
    EndAtomicRegion = 19,
    /// <summary><c>begin-remote-write</c></summary>
    BeginRemoteWrite = 20,
    /// <summary><c>end-remote-write</c></summary>
    EndRemoteWrite = 21,
    /// <summary><c>cancel-pending-invocation</c></summary>
    CancelPendingInvocation = 22,
    /// <summary><c>restart</c></summary>
    Restart = 23,
    /// <summary><c>grow-memory</c></summary>
    GrowMemory = 24,

    /// <summary>An invocation queued to start no earlier than a given time.</summary>
    ScheduledInvocation = 25,
}

/// <summary>What kind of durable effect an <see cref="OplogEntry.ImportedFunctionInvoked"/> records.</summary>
public enum EffectKind : byte
{
    /// <summary>Reads local non-determinism: clock, random, GUID.</summary>
    ReadLocal = 0,
    /// <summary>Writes local state outside the worker.</summary>
    WriteLocal = 1,
    /// <summary>Reads a remote system; safe to repeat.</summary>
    ReadRemote = 2,
    /// <summary>Writes a remote system; runs at most once.</summary>
    WriteRemote = 3,
}

/// <summary>How a worker is moved to a new component version.</summary>
public enum UpdateMode : byte
{
    /// <summary>Replay the oplog on the new version.</summary>
    Automatic = 0,
    /// <summary>Save a snapshot on the old version and load it on the new one.</summary>
    Manual = 1,
}
