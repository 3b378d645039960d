using Clay.Runtime.Values;

namespace Clay.Runtime.Execution;

/// <summary>
/// How a worker reaches other workers: the host gives each executor one, so the same worker code
/// calls through grains in the server and through in-process doors in tests and tools.
/// </summary>
public interface IWorkerCaller
{
    /// <summary>
    /// Invokes <paramref name="call"/> on <paramref name="target"/> and waits for its result (null for a
    /// function without one). The callee runs it once per <see cref="WorkerCall.IdempotencyKey"/>.
    /// </summary>
    /// <exception cref="Errors.ClayException">The callee refused or failed it (its code tells why).</exception>
    Task<Value?> InvokeAsync(WorkerId target, WorkerCall call, CancellationToken cancellationToken);

    /// <summary>
    /// Queues <paramref name="call"/> on <paramref name="target"/> durably, without waiting for it to run
    /// (scheduled for <see cref="WorkerCall.ScheduleAt"/> when it has one).
    /// </summary>
    Task EnqueueAsync(WorkerId target, WorkerCall call, CancellationToken cancellationToken);
}

/// <summary>One worker's call of another's exported function.</summary>
/// <param name="Function">The function's exact name.</param>
/// <param name="WaveArguments">The arguments as WAVE text, typed by the callee against its own signature.</param>
/// <param name="IdempotencyKey">Derived from the caller's invocation and the call's place in it: the same on every replay and retry.</param>
/// <param name="CallChain">The workers waiting on this call, outermost first (<c>component/worker</c>), to refuse a cycle.</param>
public sealed record WorkerCall(string Function, IReadOnlyList<string> WaveArguments, string IdempotencyKey, IReadOnlyList<string> CallChain)
{
    /// <summary>For a queued call: when it may start (null: as soon as possible).</summary>
    public DateTimeOffset? ScheduleAt { get; init; }

    /// <summary>The request the callee's door takes.</summary>
    public InvocationRequest ToRequest() => new(Function, new InvocationArguments.Wave(WaveArguments), IdempotencyKey)
    {
        CallChain = CallChain,
        ScheduleAt = ScheduleAt,
    };
}
