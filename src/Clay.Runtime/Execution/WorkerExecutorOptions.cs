using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Clay.Runtime.Execution;

/// <summary>Settings shared by the workers of one executor.</summary>
public sealed record WorkerExecutorOptions
{
    /// <summary>The clock for timestamps, durable time and retry backoff (fake it in tests).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where worker log lines and executor diagnostics go.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>
    /// True (the default): each invocation runs in a logging scope of <see cref="LoggerFactory"/> naming
    /// the worker, the function and the invocation key. A process whose log prints no scopes (a
    /// component host, which passes its workers' lines on to the server with those fields) turns it off.
    /// </summary>
    public bool InvocationLogScopes { get; init; } = true;

    /// <summary>The handler the durable <see cref="HttpClient"/> sends real requests through.</summary>
    public Func<HttpMessageHandler> HttpHandlerFactory { get; init; } = static () => new SocketsHttpHandler();

    /// <summary>
    /// Receives every durable log line written live (not on replay), with the oplog index the entry
    /// was given, and the function and idempotency key of the invocation under way (both null outside
    /// one: a constructor's line). It is called on the worker's thread as the line is appended, before
    /// the line is durable: it must not block.
    /// </summary>
    public Action<WorkerId, long, Oplog.OplogEntry.Log, string?, string?>? LogSink { get; init; }

    /// <summary>
    /// True: what worker code writes to <see cref="Console"/> is recorded as the worker's log lines
    /// (context <c>stdout</c> or <c>stderr</c>) and reaches <see cref="LogSink"/> and the logger like
    /// <c>context.Log</c> lines. It replaces the process's console writers once
    /// (<see cref="Diagnostics.WorkerConsoleRouter"/>); text written outside workers passes through.
    /// </summary>
    public bool CaptureConsole { get; init; }

    /// <summary>
    /// Take a snapshot of a worker's state once this many oplog entries were written since the last
    /// one (0: never). Recovery then loads the latest snapshot and replays only what follows it.
    /// </summary>
    public int SnapshotEvery { get; init; } = 1000;

    /// <summary>
    /// True (the default): recovery starts from the latest snapshot and replays only what follows it.
    /// False: it replays the whole oplog from the worker's creation, so every recorded invocation runs
    /// again and is checked against its history (replaying a recorded history under a debugger).
    /// </summary>
    public bool UseSnapshots { get; init; } = true;

    /// <summary>
    /// Also take a snapshot once this many bytes of oplog were written since the last one (0: only
    /// <see cref="SnapshotEvery"/> counts), so a worker with large entries — a big result recorded on
    /// every call — never leaves much to replay. Ignored when <see cref="SnapshotEvery"/> is 0.
    /// </summary>
    public long SnapshotEveryBytes { get; init; } = 1 << 20;

    /// <summary>
    /// A worker whose state is small takes its snapshot sooner: once this many oplog entries were
    /// written since the last one and they weigh at least as much as that snapshot's state (0: only
    /// <see cref="SnapshotEvery"/> and <see cref="SnapshotEveryBytes"/> count). Its replay after a
    /// restart or an eviction stays short, and snapshots never take more of the oplog than the entries
    /// they stand for. Ignored when <see cref="SnapshotEvery"/> is 0.
    /// </summary>
    public int SnapshotSmallStateEvery { get; init; } = 100;

    /// <summary>
    /// How many of a worker's most recent completed invocations keep their idempotency key: an
    /// invocation repeated with one of them returns the recorded outcome instead of running again.
    /// Older keys are forgotten, which bounds a worker's memory and what recovery reads.
    /// </summary>
    public int IdempotencyKeys { get; init; } = 1024;

    /// <summary>Size and queue limits.</summary>
    public WorkerLimits Limits { get; init; } = new();

    /// <summary>
    /// Asked before a new worker's oplog is created; throws (for example <c>too-many-workers</c>) to
    /// refuse the creation. Null admits every worker. Asynchronous, since a cluster counts in its database.
    /// </summary>
    public Func<WorkerId, CancellationToken, ValueTask>? AdmitNewWorker { get; init; }

    /// <summary>
    /// Wakes workers that wait for time while they are out of memory (durable sleeps, retries):
    /// told the wake-up time whenever a worker starts waiting. Null: waiting workers are woken only
    /// while they stay in memory, or by the next call.
    /// </summary>
    public IWorkerWakeUps? WakeUps { get; init; }

    /// <summary>
    /// A sleep at least this long suspends the worker durably: its wake-up time is stored, and it may
    /// be dropped from memory while it sleeps. Shorter sleeps wait in memory (still recorded).
    /// </summary>
    public TimeSpan DurableSleepThreshold { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How an invocation that failed for a transient reason is retried as a whole (a worker's
    /// environment may override it: see docs/durability.md). Exhausted, the worker is failed.
    /// </summary>
    public Sdk.RetryPolicy InvocationRetry { get; init; } = new(5, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), 2.0);

    /// <summary>
    /// A worker waiting for another worker's answer longer than <see cref="DurableSleepThreshold"/> is
    /// suspended and may leave memory; the callee wakes it when its answer is committed, and, should that
    /// wake-up be lost (a crash in between), the caller asks again after this long.
    /// </summary>
    public TimeSpan CallPollInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How workers call other workers; null: calls fail with a clear error.</summary>
    public IWorkerCaller? Workers { get; init; }

    /// <summary>Told when a worker's first invocation is queued and its last has ended (a host's watchdog and tally look at these workers only); null: not told.</summary>
    public BusyWorkers? Busy { get; init; }

    /// <summary>Counts the CPU each invocation's code uses (<see cref="WorkerExecutor.InvocationCpu"/>); null: not counted.</summary>
    public IThreadCpuClock? ThreadCpuClock { get; init; }
}
