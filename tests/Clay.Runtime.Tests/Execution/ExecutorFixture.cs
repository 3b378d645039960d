using Clay.Runtime.Components;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Clay.Storage.Sqlite;

namespace Clay.Runtime.Tests.Execution;

/// <summary>
/// A real SQLite database in a temporary directory plus the components under test; opens and
/// "crashes" executors over it the way a server process would.
/// </summary>
public sealed class ExecutorFixture : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _open = [];

    public ExecutorFixture(params Type[] workerTypes)
    {
        Directory.CreateDirectory(DataDirectory);
        foreach (var type in workerTypes) Catalog.Add(ComponentName(type), ComponentModel.FromType(type), size: 1234);
    }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "clay-tests", Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(DataDirectory, "oplog.db");

    public InMemoryComponentCatalog Catalog { get; } = new();

    public ObservedFakeTime Time { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };

    public List<(WorkerId Worker, long Index, string Message)> Logs { get; } = [];

    /// <summary>Snapshot interval of the executors this fixture creates (0: none).</summary>
    public int SnapshotEvery { get; set; }

    /// <summary>Bytes of oplog between snapshots (the executor's default when null).</summary>
    public long? SnapshotEveryBytes { get; set; }

    /// <summary>Entries after which a small state is snapshotted sooner (the executor's default when null).</summary>
    public int? SnapshotSmallStateEvery { get; set; }

    /// <summary>How many idempotency keys each worker keeps (the executor's default when null).</summary>
    public int? IdempotencyKeys { get; set; }

    /// <summary>The logger factory of the executors this fixture creates (one keeping warnings in <see cref="Warnings"/> when null).</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? Logging { get; set; }

    /// <summary>Wakes workers that wait for time (none when null).</summary>
    public IWorkerWakeUps? WakeUps { get; set; }

    /// <summary>The invocation retry policy of the executors this fixture creates (the executor's default when null).</summary>
    public Clay.Sdk.RetryPolicy? InvocationRetry { get; set; }

    /// <summary>Whether the executors this fixture creates record what workers write to the console.</summary>
    public bool CaptureConsole { get; set; }

    /// <summary>The set the executors this fixture creates enter while they have invocations (none when null).</summary>
    public BusyWorkers? Busy { get; set; }

    /// <summary>Whether invocations run in a logging scope (<see cref="WorkerExecutorOptions.InvocationLogScopes"/>).</summary>
    public bool InvocationLogScopes { get; set; } = true;

    /// <summary>Each live log line's message with the invocation key its sink saw as running (<see cref="Diagnostics.WorkerLogScope.Current"/>).</summary>
    public List<(string Message, string? InvocationKey)> SinkScopes { get; } = [];

    /// <summary>Warnings and errors the executors logged.</summary>
    public List<string> Warnings { get; } = [];

    public static string ComponentName(Type type) => $"test:{Clay.Runtime.Components.KebabCase.FromPascal(type.Name)}";

    public static WorkerId Worker(Type type, string name) => new(ComponentName(type), name);

    public async Task<IOplogStore> OpenStoreAsync()
    {
        var store = await SqliteOplogStore.OpenAsync(new SqliteStoreOptions { DatabasePath = DatabasePath });
        _open.Add(store);
        return store;
    }

    public Executor NewExecutor(IOplogStore store, Func<HttpMessageHandler>? http = null)
    {
        var defaults = new WorkerExecutorOptions();
        var executor = new Executor(store, Catalog, defaults with
        {
            IdempotencyKeys = IdempotencyKeys ?? defaults.IdempotencyKeys,
            SnapshotEveryBytes = SnapshotEveryBytes ?? defaults.SnapshotEveryBytes,
            SnapshotSmallStateEvery = SnapshotSmallStateEvery ?? defaults.SnapshotSmallStateEvery,
            Time = Time,
            HttpHandlerFactory = http ?? (() => new SocketsHttpHandler()),
            LogSink = (worker, index, entry, _, invocationKey) =>
            {
                lock (Logs)
                {
                    Logs.Add((worker, index, entry.Message));
                    SinkScopes.Add((entry.Message, invocationKey));
                }
            },
            SnapshotEvery = SnapshotEvery,
            LoggerFactory = Logging ?? new ListLoggerFactory(Warnings),
            WakeUps = WakeUps,
            InvocationRetry = InvocationRetry ?? defaults.InvocationRetry,
            CaptureConsole = CaptureConsole,
            InvocationLogScopes = InvocationLogScopes,
            Busy = Busy,
        });
        _open.Add(executor);
        return executor;
    }

    /// <summary>Opens a store and an executor over it.</summary>
    public async Task<(IOplogStore Store, Executor Executor)> StartAsync()
    {
        var store = await OpenStoreAsync();
        return (store, NewExecutor(store));
    }

    /// <summary>Shuts down cleanly: running invocations commit, then the store closes.</summary>
    public async Task StopAsync(IOplogStore store, Executor executor)
    {
        _open.Remove(executor);
        _open.Remove(store);
        await executor.DisposeAsync();
        await store.DisposeAsync();
    }

    /// <summary>
    /// Abandons the executor as a crash would (its in-flight invocation never finishes) and stops the
    /// store underneath it as a killed process would: appends still queued are lost, nothing is
    /// flushed or checkpointed, and a new store can open the same database.
    /// </summary>
    public async Task CrashAsync(IOplogStore store, Executor executor)
    {
        _open.Remove(executor);
        _open.Remove(store);
        await ((SqliteOplogStore)store).CrashAsync();
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _open.Count - 1; i >= 0; i--)
        {
            try { await _open[i].DisposeAsync(); } catch (Exception) { /* already broken by the test */ }
        }
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Collects warnings and errors so tests can check what was reported.</summary>
public sealed class ListLoggerFactory(List<string> sink) : Microsoft.Extensions.Logging.ILoggerFactory
{
    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Logger(sink);

    public void AddProvider(Microsoft.Extensions.Logging.ILoggerProvider provider) { }

    public void Dispose() { }

    private sealed class Logger(List<string> sink) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Warning;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state,
            Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            lock (sink) sink.Add(formatter(state, exception));
        }
    }
}
