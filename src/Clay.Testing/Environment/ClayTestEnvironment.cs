using System.Collections.Concurrent;
using Clay.Runtime;
using Clay.Runtime.Components;
using Clay.Runtime.Execution;
using Clay.Runtime.Hosting;
using Clay.Runtime.Residency;
using Clay.Runtime.Storage;
using Clay.Testing.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Clay.Testing.Environment;

/// <summary>
/// Clay in a unit test: the real executor — the same worker door, replay, durable sleeps, promises
/// and schedules as the server — over an in-memory oplog, with a clock that stands still until the
/// test moves it. Start one with <see cref="StartAsync{TWorker}"/>, reach workers with
/// <see cref="ClayTestEnvironment{TWorker}.Worker(string)"/>, and skip time with <see cref="SkipTimeAsync"/>.
/// </summary>
/// <example>
/// <code>
/// await using var env = await ClayTestEnvironment.StartAsync&lt;ShoppingCart&gt;();
/// var cart = env.Worker("cart-1");
/// await cart.InvokeAsync(c => c.AddItem(new ProductItem("p1", "Mug", 9.5f, 2)));
/// await cart.CrashAndRecoverAsync();
/// Assert.Single(await cart.InvokeAsync(c => c.GetCartContents()));
/// </code>
/// </example>
/// <remarks>Not sealed only so that <see cref="ClayTestEnvironment{TWorker}"/> can add its typed <c>Worker</c>; it cannot be derived from elsewhere.</remarks>
public class ClayTestEnvironment : IAsyncDisposable
{
    private readonly ResidentWorkers _residency = new();
    private readonly ConcurrentDictionary<WorkerId, Counter> _inFlight = new();
    private readonly ConcurrentDictionary<WorkerId, ConcurrentQueue<string>> _logs = new();
    private readonly Dictionary<Type, LoadedComponent> _byType = [];
    private readonly WakeUpTimers _wakeUps;
    private readonly Executor _executor;
    private readonly TimeSpan _settleTimeout;

    private protected ClayTestEnvironment(ClayTestOptions options, IReadOnlyDictionary<string, Type> components)
    {
        Time = new TestClock(options.StartTime);
        _settleTimeout = options.SettleTimeout;
        foreach (var (name, type) in components)
        {
            _byType[type] = Catalog.Add(name, ComponentModel.FromType(type));
        }
        Executor? executor = null;
        _wakeUps = new WakeUpTimers((worker, ct) => executor!.Activation(worker).WakeAsync(ct), Time,
            (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ClayTestEnvironment>());
        var settings = new WorkerExecutorOptions
        {
            Time = Time,
            LoggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance,
            HttpHandlerFactory = options.HttpHandlerFactory ?? (static () => new SocketsHttpHandler()),
            WakeUps = _wakeUps,
            Workers = new ActivationCaller(worker => executor!.Activation(worker)),
            LogSink = (worker, _, entry, _, _) => _logs.GetOrAdd(worker, static _ => new()).Enqueue(entry.Message),
        };
        executor = new Executor(new WorkerServices(Store, Catalog, settings, _residency));
        _executor = executor;
    }

    /// <summary>The environment's clock: it stands still until the test moves it.</summary>
    public TestClock Time { get; }

    /// <summary>The oplog store, in memory: every worker's history, as the server would keep it.</summary>
    public InMemoryOplogStore Store { get; } = new();

    /// <summary>The components the environment runs.</summary>
    public InMemoryComponentCatalog Catalog { get; } = new();

    /// <summary>Starts an environment running the component of <typeparamref name="TWorker"/> (a <c>[ClayWorker]</c> class).</summary>
    /// <exception cref="Runtime.Components.ComponentValidationException">The class is not a valid worker.</exception>
    public static Task<ClayTestEnvironment<TWorker>> StartAsync<TWorker>(ClayTestOptions? options = null, CancellationToken cancellationToken = default)
        where TWorker : class
    {
        options ??= new ClayTestOptions();
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new ClayTestEnvironment<TWorker>(options));
    }

    /// <summary>The worker <paramref name="name"/> of the component whose class is <typeparamref name="TWorker"/>.</summary>
    /// <exception cref="ArgumentException">The environment does not run that class.</exception>
    public TestWorker<TWorker> Worker<TWorker>(string name)
        where TWorker : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_byType.TryGetValue(typeof(TWorker), out var component))
        {
            throw new ArgumentException($"this environment runs no component of {typeof(TWorker).Name}; add it to ClayTestOptions.Components", nameof(TWorker));
        }
        return new TestWorker<TWorker>(this, new WorkerId(component.Name, name), component.Model);
    }

    /// <summary>
    /// Moves the clock <paramref name="duration"/> ahead, from one due timer to the next, letting the
    /// workers each wake-up concerns run before the clock moves on: durable sleeps end, retries and
    /// scheduled invocations start, each at its own time. Returns when the workers have done all they
    /// can at the new time. A month takes milliseconds.
    /// </summary>
    /// <exception cref="TimeoutException">A worker stayed busy longer than <see cref="ClayTestOptions.SettleTimeout"/>.</exception>
    public async Task SkipTimeAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        var target = Time.GetUtcNow() + duration;
        await SettleAsync(cancellationToken);
        // From one due timer to the next, then to the target; a timer armed while the workers settle
        // after the last move (a wait a woken worker begins) is looked at again, until none is due.
        while (true)
        {
            if (Time.NextTimerDue is { } due && due <= target)
            {
                if (due > Time.GetUtcNow()) Time.SetUtcNow(due);
                else Time.Advance(TimeSpan.Zero);
            }
            else if (target > Time.GetUtcNow()) Time.SetUtcNow(target);
            else break;
            await SettleAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Waits until every worker has done what it can without the clock moving: each is idle, or waits
    /// for time or a promise, or has failed; no wake-up is under way and every call a test made has
    /// reached its worker.
    /// </summary>
    /// <exception cref="TimeoutException">A worker stayed busy longer than <see cref="ClayTestOptions.SettleTimeout"/> (a worker waiting on another's long call counts as busy).</exception>
    public async Task SettleAsync(CancellationToken cancellationToken = default)
    {
        var deadline = DateTimeOffset.UtcNow + _settleTimeout;
        while (Busy() is { } busy)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"the workers did not settle within {_settleTimeout.TotalSeconds:0.#} s: {busy}");
            }
            // Real time, bounded: the workers run on the thread pool while the test's clock stands still.
            await Task.Delay(1, cancellationToken);
        }
    }

    /// <summary>Stops every worker and the wake-up clock.</summary>
    public async ValueTask DisposeAsync()
    {
        await _wakeUps.DisposeAsync();
        await _executor.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>The door to a worker, as the server's grain holds it.</summary>
    internal WorkerActivation Activation(WorkerId worker) => _executor.Activation(worker);

    /// <summary>The worker's log lines written so far.</summary>
    internal IReadOnlyList<string> LogsOf(WorkerId worker) => _logs.TryGetValue(worker, out var lines) ? [.. lines] : [];

    /// <summary>Counts a call a test makes to <paramref name="worker"/> while it runs.</summary>
    internal async Task<T> TrackAsync<T>(WorkerId worker, Func<Task<T>> call)
    {
        var counter = _inFlight.GetOrAdd(worker, static _ => new Counter());
        Interlocked.Increment(ref counter.Value);
        try
        {
            return await call();
        }
        finally
        {
            Interlocked.Decrement(ref counter.Value);
        }
    }

    /// <summary>What keeps the environment from being settled, or null when it is.</summary>
    private string? Busy()
    {
        if (_wakeUps.Running > 0) return $"{_wakeUps.Running} wake-up(s) under way";
        foreach (var (worker, counter) in _inFlight)
        {
            if (Volatile.Read(ref counter.Value) == 0) continue;
            var executor = _residency.TryGet(worker);
            if (executor is null) return $"{worker} is being opened for a call";
            if (!executor.IsWaiting && executor.Status is not (WorkerStatus.Failed or WorkerStatus.Exited or WorkerStatus.Interrupted))
            {
                return $"{worker} is {executor.Status.ToString().ToLowerInvariant()} with a call in flight";
            }
        }
        foreach (var (executor, _) in _residency.Snapshot())
        {
            if (executor.IsWaiting || executor.Status is WorkerStatus.Failed or WorkerStatus.Exited or WorkerStatus.Interrupted) continue;
            // Idle with nothing queued nor taken: an invocation just taken from the queue is not running yet,
            // and a clock moved now would pass a sleep it is about to begin.
            if (executor.Status is WorkerStatus.Idle && !executor.HasInvocations) continue;
            return $"{executor.Id} is {executor.Status.ToString().ToLowerInvariant()}";
        }
        return null;
    }

    private sealed class Counter
    {
        public int Value;
    }
}
