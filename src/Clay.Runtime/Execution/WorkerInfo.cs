namespace Clay.Runtime.Execution;

/// <summary>What <c>clay worker get</c> shows about a worker.</summary>
/// <param name="Id">The worker.</param>
/// <param name="ComponentVersion">The component version it runs.</param>
/// <param name="ComponentSize">That version's package size in bytes.</param>
/// <param name="Status">Its status.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Arguments">Start-up arguments.</param>
/// <param name="Environment">Start-up environment.</param>
/// <param name="PendingInvocations">Invocations queued, not counting the running one.</param>
/// <param name="RetryCount">Retries of transient failures so far.</param>
/// <param name="LastError">The last error, if any.</param>
/// <param name="OplogLength">The index of its last oplog entry.</param>
/// <param name="MemoryAtStartup">Estimated bytes held right after construction.</param>
/// <param name="MemoryNow">Estimated bytes held now.</param>
/// <param name="Resident">True when the worker is in memory.</param>
public sealed record WorkerInfo(WorkerId Id, long ComponentVersion, long ComponentSize, WorkerStatus Status, DateTimeOffset CreatedAt,
    IReadOnlyList<string> Arguments, IReadOnlyList<KeyValuePair<string, string>> Environment, int PendingInvocations, int RetryCount,
    string? LastError, long OplogLength, long MemoryAtStartup, long MemoryNow, bool Resident)
{
    /// <summary>
    /// Where the worker's update history begins in its oplog, when that is known without reading it:
    /// 0 when the oplog has no update entry, else the index of its first one; -1 when not known (a
    /// worker out of memory, or one recovered from a snapshot that did not record it).
    /// </summary>
    public long UpdatesFrom { get; init; } = -1;
}
