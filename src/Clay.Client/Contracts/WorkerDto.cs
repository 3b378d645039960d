namespace Clay.Client.Contracts;

/// <summary>A worker as the API shows it (<c>GET /v1/components/{name}/workers/{worker}</c>).</summary>
/// <param name="ComponentName">The component.</param>
/// <param name="WorkerName">The worker's name within the component.</param>
/// <param name="ComponentVersion">The component version the worker runs.</param>
/// <param name="ComponentSize">That version's package size in bytes.</param>
/// <param name="Status">Running, Idle, Suspended, Interrupted, Retrying, Failed or Exited.</param>
/// <param name="CreatedAt">When the worker was created.</param>
/// <param name="Args">Its start-up arguments.</param>
/// <param name="Env">Its environment variables.</param>
/// <param name="MemoryAtStartup">Its estimated memory right after creation, in bytes.</param>
/// <param name="MemoryNow">Its estimated memory now, in bytes.</param>
/// <param name="PendingInvocations">Invocations queued behind the running one.</param>
/// <param name="RetryCount">Retries of the current failing step.</param>
/// <param name="LastError">The last error, when it failed.</param>
/// <param name="OplogLength">The number of oplog entries.</param>
/// <param name="Resident">True when the worker is in memory.</param>
/// <param name="Updates">Its updates to other component versions, oldest first (given by <c>GET</c> of one worker; null in lists and other answers).</param>
public sealed record WorkerDto(string ComponentName, string WorkerName, long ComponentVersion, long ComponentSize, string Status,
    DateTimeOffset CreatedAt, IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> Env, long MemoryAtStartup, long MemoryNow,
    int PendingInvocations, int RetryCount, string? LastError, long OplogLength, bool Resident, IReadOnlyList<WorkerUpdateDto>? Updates = null);
