using Clay.Runtime.Execution;
using Clay.Runtime.Values;

namespace Clay.Cluster.Workers;

/// <summary>A worker's metadata and its update history, as <c>clay worker get</c> shows them.</summary>
/// <param name="Info">The metadata.</param>
/// <param name="Updates">The updates, oldest first.</param>
[GenerateSerializer, Immutable]
public sealed record WorkerDetails(
    [property: Id(0)] WorkerInfo Info,
    [property: Id(1)] IReadOnlyList<Clay.Runtime.History.WorkerUpdate> Updates);

/// <summary>A request to invoke an exported function.</summary>
/// <param name="Function">The function as the caller names it; resolved against the worker's own component version.</param>
/// <param name="WaveArguments">The arguments as WAVE text, one per parameter, or null when <paramref name="Values"/> carries them.</param>
/// <param name="Values">The arguments as values, or null when <paramref name="WaveArguments"/> carries them.</param>
/// <param name="IdempotencyKey">The key; asking again with it attaches to the same invocation.</param>
/// <param name="Enqueue">Return once durably queued instead of waiting for the result.</param>
/// <param name="MaxWait">How long this call may wait for the result before answering <see cref="InvocationState.Running"/>.</param>
[GenerateSerializer, Immutable]
public sealed record InvokeRequest(
    [property: Id(0)] string Function,
    [property: Id(1)] IReadOnlyList<string>? WaveArguments,
    [property: Id(2)] IReadOnlyList<Value>? Values,
    [property: Id(3)] string IdempotencyKey,
    [property: Id(4)] bool Enqueue,
    [property: Id(5)] TimeSpan MaxWait)
{
    /// <summary>When a worker calls: the workers waiting on this call, outermost first (a cycle is refused).</summary>
    [Id(6)]
    public IReadOnlyList<string>? CallChain { get; init; }

    /// <summary>With <see cref="Enqueue"/>: when the invocation may start (null: as soon as possible).</summary>
    [Id(7)]
    public DateTimeOffset? ScheduleAt { get; init; }

    /// <summary>The runtime's form of the request.</summary>
    public InvocationRequest ToInvocation() => new(Function,
        Values is not null ? new InvocationArguments.Typed(Values) : new InvocationArguments.Wave(WaveArguments ?? []), IdempotencyKey)
    {
        CallChain = CallChain,
        ScheduleAt = ScheduleAt,
    };
}

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
}

/// <summary>The answer to an <see cref="InvokeRequest"/>. Failures are thrown, as <c>ClayException</c>s with their codes.</summary>
/// <param name="State">Where the invocation stands.</param>
/// <param name="IdempotencyKey">Its key.</param>
/// <param name="Function">The function's exact name, as resolved.</param>
/// <param name="Result">The result when completed; null for a unit result.</param>
[GenerateSerializer, Immutable]
public sealed record InvokeReply(
    [property: Id(0)] InvocationState State,
    [property: Id(1)] string IdempotencyKey,
    [property: Id(2)] string Function,
    [property: Id(3)] Value? Result);

/// <summary>An invocation waiting for its time, as the grain reports it.</summary>
/// <param name="IdempotencyKey">Its key, which also cancels it.</param>
/// <param name="Function">The function.</param>
/// <param name="WaveArguments">The arguments as WAVE text.</param>
/// <param name="DueAt">When it may start.</param>
[GenerateSerializer, Immutable]
public sealed record ScheduleView(
    [property: Id(0)] string IdempotencyKey,
    [property: Id(1)] string Function,
    [property: Id(2)] IReadOnlyList<string> WaveArguments,
    [property: Id(3)] DateTimeOffset DueAt);
