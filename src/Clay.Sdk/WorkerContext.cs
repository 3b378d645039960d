namespace Clay.Sdk;

/// <summary>
/// The durable context of a worker: the one door to anything non-deterministic. Every value it
/// returns is recorded in the worker's oplog and, when the worker is rebuilt by replay, served from
/// there instead of being computed again; every external effect runs at most once.
/// </summary>
/// <remarks>
/// A worker class receives its context through its constructor, or reads <see cref="Current"/>.
/// Worker code runs on the worker's own single-threaded scheduler: call the context from that code,
/// never from <c>Task.Run</c> or another thread.
/// </remarks>
public abstract class WorkerContext
{
    private static readonly AsyncLocal<WorkerContext?> CurrentContext = new();

    /// <summary>The context of the worker whose code is running, or null outside a worker.</summary>
    public static WorkerContext? Current
    {
        get => CurrentContext.Value;
        protected set => CurrentContext.Value = value;
    }

    /// <summary>The worker's component and name.</summary>
    public abstract WorkerIdentity Identity { get; }

    /// <summary>The start-up arguments given when the worker was created.</summary>
    public abstract IReadOnlyList<string> Arguments { get; }

    /// <summary>The environment given when the worker was created.</summary>
    public abstract IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The durable wall clock (UTC).</summary>
    public abstract DateTimeOffset UtcNow();

    /// <summary>A durable monotonic timestamp in nanoseconds; differences between two calls are elapsed time.</summary>
    public abstract long MonotonicNanoseconds();

    /// <summary>A durable random 64-bit value.</summary>
    public abstract ulong NextRandom();

    /// <summary>A durable random integer in [0, <paramref name="maxExclusive"/>).</summary>
    public int NextRandom(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)(NextRandom() % (ulong)maxExclusive);
    }

    /// <summary>A durable random double in [0, 1).</summary>
    public double NextRandomDouble() => (NextRandom() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A durable new GUID.</summary>
    public abstract Guid NewGuid();

    /// <summary>
    /// Runs an external effect at most once. The result is recorded (as JSON) and served from the
    /// oplog on replay. Transient failures are retried with backoff; a permanent failure is recorded
    /// and rethrown, the same way on replay.
    /// </summary>
    /// <param name="name">Names the effect in the oplog; replay checks that the code asks for the same effect.</param>
    /// <param name="effect">The effect.</param>
    /// <param name="options">Idempotency and retries; <see cref="EffectOptions.Default"/> when null.</param>
    /// <param name="cancellationToken">Cancels waiting for the effect.</param>
    public abstract Task<T> RunAsync<T>(string name, Func<CancellationToken, Task<T>> effect, EffectOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Runs an external effect without a result at most once; see <see cref="RunAsync{T}"/>.</summary>
    public async Task RunAsync(string name, Func<CancellationToken, Task> effect, EffectOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(effect);
        await RunAsync<Unit>(name, async ct =>
        {
            await effect(ct).ConfigureAwait(true);
            return Unit.Value;
        }, options, cancellationToken).ConfigureAwait(true);
    }

    /// <summary>
    /// An <see cref="System.Net.Http.HttpClient"/> whose requests are durable effects: the status,
    /// headers and body of each response are recorded and served from the oplog on replay.
    /// GET, HEAD, PUT, DELETE and OPTIONS count as idempotent; other methods run at most once.
    /// </summary>
    public abstract HttpClient Http { get; }

    /// <summary>Writes a durable log line; it is not written again when the worker is replayed.</summary>
    public abstract void Log(WorkerLogLevel level, string message);

    /// <summary>Writes a durable informational log line.</summary>
    public void Log(string message) => Log(WorkerLogLevel.Info, message);

    /// <summary>
    /// Waits durably: after a restart the worker still wakes at the recorded time. A sleep of a second
    /// or more suspends the worker, which may leave memory while it sleeps and costs nothing meanwhile.
    /// </summary>
    public abstract Task SleepAsync(TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a promise: an id to hand to the outside world, which completes it once with a value
    /// (<c>clay worker promise complete</c>, or the REST API), while the worker awaits it with
    /// <see cref="AwaitPromiseAsync"/>.
    /// </summary>
    public abstract PromiseId CreatePromise();

    /// <summary>
    /// Waits for the promise's completion and returns its value. The worker is suspended meanwhile and
    /// may leave memory; the completion wakes it, also across restarts, and is delivered once.
    /// </summary>
    public abstract Task<string> AwaitPromiseAsync(PromiseId promise, CancellationToken cancellationToken = default);

    /// <summary>
    /// Calls <paramref name="function"/> (its exported, kebab-case name) of another worker and returns
    /// its result. The call is durable: recorded in this worker's oplog, never repeated by a replay,
    /// and seen once by the callee, which creates the worker on first use. A failure of the callee
    /// surfaces as <see cref="EffectFailedException"/>; a call that would close a cycle (the callee is
    /// already waiting on this call) fails at once with <see cref="WorkerCallException"/> code <c>call-cycle</c>.
    /// </summary>
    public abstract Task<TResult> CallAsync<TResult>(WorkerIdentity worker, string function, params object?[] arguments);

    /// <summary>As <see cref="CallAsync{TResult}"/>, for a function whose result is not needed: returns when it has run.</summary>
    public abstract Task CallAsync(WorkerIdentity worker, string function, params object?[] arguments);

    /// <summary>
    /// Queues <paramref name="function"/> on another worker without waiting for it to run (fire and
    /// forget); returns once the callee has it durably queued. Queued once, also across replays.
    /// </summary>
    public abstract Task EnqueueCallAsync(WorkerIdentity worker, string function, params object?[] arguments);

    /// <summary>
    /// Schedules <paramref name="function"/> on a worker (this one too) to start at <paramref name="at"/>:
    /// durable, fired after restarts, listed by <c>clay worker schedules</c> and cancellable by the key
    /// this returns. Scheduled once, also across replays.
    /// </summary>
    public abstract Task<string> ScheduleCallAsync(WorkerIdentity worker, DateTimeOffset at, string function, params object?[] arguments);
}
