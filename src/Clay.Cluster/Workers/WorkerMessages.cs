namespace Clay.Cluster.Workers;

/// <summary>A request to create a worker.</summary>
[GenerateSerializer, Immutable]
public sealed record CreateWorkerRequest(
    [property: Id(0)] IReadOnlyList<string> Arguments,
    [property: Id(1)] IReadOnlyList<KeyValuePair<string, string>> Environment);

/// <summary>A request to invoke an exported function.</summary>
/// <param name="Function">The function's exact name.</param>
/// <param name="Arguments">The arguments, encoded with <c>ValueCodec</c> as one tuple value.</param>
/// <param name="IdempotencyKey">The key; asking again with it attaches to the same invocation.</param>
/// <param name="Enqueue">Return once durably queued instead of waiting for the result.</param>
/// <param name="MaxWait">How long this call may wait for the result before answering <see cref="InvocationState.Running"/>.</param>
[GenerateSerializer, Immutable]
public sealed record InvokeRequest(
    [property: Id(0)] string Function,
    [property: Id(1)] byte[] Arguments,
    [property: Id(2)] string IdempotencyKey,
    [property: Id(3)] bool Enqueue,
    [property: Id(4)] TimeSpan MaxWait);

/// <summary>Where an invocation stands.</summary>
[GenerateSerializer]
public enum InvocationState
{
    /// <summary>Finished; the reply carries the result.</summary>
    Completed,
    /// <summary>Still queued or running: ask again with the same key.</summary>
    Running,
    /// <summary>Durably queued (enqueue mode).</summary>
    Queued,
    /// <summary>Failed; the reply carries the error.</summary>
    Failed,
}

/// <summary>The answer to an <see cref="InvokeRequest"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record InvokeReply(
    [property: Id(0)] InvocationState State,
    [property: Id(1)] string IdempotencyKey,
    [property: Id(2)] byte[]? Result,
    [property: Id(3)] GrainError? Error);

/// <summary>An error crossing the grain boundary as data, with its stable code.</summary>
[GenerateSerializer, Immutable]
public sealed record GrainError([property: Id(0)] string Code, [property: Id(1)] string Message);

/// <summary>A worker's metadata or an error.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkerReply([property: Id(0)] WorkerSummary? Worker, [property: Id(1)] GrainError? Error);

/// <summary>What <c>clay worker get</c> shows.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkerSummary(
    [property: Id(0)] string Component,
    [property: Id(1)] string Name,
    [property: Id(2)] long ComponentVersion,
    [property: Id(3)] long ComponentSize,
    [property: Id(4)] string Status,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] IReadOnlyList<string> Arguments,
    [property: Id(7)] IReadOnlyList<KeyValuePair<string, string>> Environment,
    [property: Id(8)] int PendingInvocations,
    [property: Id(9)] int RetryCount,
    [property: Id(10)] string? LastError,
    [property: Id(11)] long OplogLength,
    [property: Id(12)] long MemoryAtStartup,
    [property: Id(13)] long MemoryNow,
    [property: Id(14)] bool Resident);
