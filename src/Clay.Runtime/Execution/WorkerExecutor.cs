using Clay.Runtime.Errors;
using Clay.Runtime.Oplog;
using Clay.Runtime.Storage;
using Clay.Runtime.Types;
using Clay.Runtime.Values;
using Clay.Sdk;
using Microsoft.Extensions.Logging;

namespace Clay.Runtime.Execution;

/// <summary>
/// Runs one worker: rebuilds it from its oplog, then executes its invocations one at a time in
/// arrival order, recording every step. Exactly one executor may run a worker at a time; the oplog
/// store's fencing rejects a second one.
/// </summary>
public sealed partial class WorkerExecutor : IAsyncDisposable
{
    private readonly IOplogStore _store;
    private readonly WorkerExecutorOptions _options;
    private readonly ILogger _logger;
    private readonly WorkerTaskScheduler _scheduler;
    private readonly InvocationQueue _queue = new();
    private readonly CompletedInvocations _completed;
    private readonly QueuedInvocations _queued;
    private readonly Lock _gate = new();
    private readonly OplogWriter _writer;
    private readonly LoadedComponent _component;
    private readonly OplogEntry.Create _created;
    // The invocation retry policy: the worker's own, its component's or the server's (InvocationRetrySettings).
    private readonly Sdk.RetryPolicy _invocationRetry;
    private readonly ReplayLog _replay;
    private readonly DurableWorkerContext _context;
    private object? _instance;
    private WorkerStatus _status = WorkerStatus.Idle;
    private string? _lastError;
    private Exception? _recoveryFailure;
    private int _retryCount;
    private long _memoryAtStartup;
    private long _memoryNow;
    private long _recordedMemory;
    private long _firstUpdate = -1;
    private int _measuredObjects;
    private int _invocationsSinceMeasure;
    private long _lastSnapshotIndex;
    private long _bytesAtLastSnapshot;
    /// <summary>The size of the state the latest snapshot saved (0: none yet).</summary>
    private long _lastSnapshotStateBytes;
    private bool _snapshotsDisabled;
    private Task _processing = Task.CompletedTask;
    private long _lastActivityTimestamp;
    private (long Index, string Key)? _restoring;
    private QueuedInvocation? _running;
    private bool _restarting;
    private long _invocationCpuStart;
    private long _invocationsStarted;
    private string? _runningFunction;
    private bool _rebuildOnly;
    // Set when the processing loop itself failed: every waiting caller gets it.
    private ClayException? _loopFailure;

    private WorkerExecutor(WorkerId id, IOplogStore store, WorkerExecutorOptions options, OplogWriter writer, LoadedComponent component,
        OplogEntry.Create created, ReplayLog replay)
    {
        Id = id;
        _store = store;
        _options = options;
        _queued = new QueuedInvocations(this, options.Busy);
        _scheduler = new WorkerTaskScheduler(options.ThreadCpuClock);
        _logger = ExecutorLoggers.Of(options.LoggerFactory).Executor;
        _writer = writer;
        _component = component;
        _created = created;
        _invocationRetry = InvocationRetrySettings.Resolve(options.InvocationRetry, component.Model, created.Environment);
        _replay = replay;
        if (options.CaptureConsole) Diagnostics.WorkerConsoleRouter.Install();
        _context = NewContext();
        _writer.Marks = CurrentMark;
        _completed = new CompletedInvocations(options.IdempotencyKeys);
        _lastActivityTimestamp = options.Time.GetTimestamp();
    }

    /// <summary>The worker this executor runs.</summary>
    public WorkerId Id { get; }

    /// <summary>The component version the worker runs: requests are typed against it.</summary>
    public LoadedComponent Component => _component;

    /// <summary>The component version the worker was created on (its create entry's).</summary>
    public long CreatedOnVersion => _created.ComponentVersion;

    /// <summary>
    /// What made the worker's recovery fail — a <see cref="NondeterminismException"/> when replay found the
    /// code doing something other than its oplog recorded — or null when it was rebuilt.
    /// </summary>
    public Exception? RecoveryFailure => _recoveryFailure;

    /// <summary>The worker's status.</summary>
    public WorkerStatus Status
    {
        get => _status;
        private set => _status = value;
    }

    /// <summary>
    /// True when the oplog could not be written: what is in memory may be ahead of what is durable,
    /// so this executor takes no more invocations and the worker must be opened again.
    /// </summary>
    public bool IsBroken { get; private set; }

    /// <summary>
    /// True when this executor takes no more invocations and the worker must be opened again: its
    /// oplog could not be written, or its invocation is being retried from the oplog.
    /// </summary>
    public bool MustReopen => IsBroken || Volatile.Read(ref _restarting);

    /// <summary>True while an invocation runs or waits in the queue.</summary>
    public bool IsBusy
    {
        get
        {
            lock (_gate) return _queued.Count > 0;
        }
    }

    /// <summary>How many invocations the worker has begun (or replayed) in this executor: a new number is a new invocation.</summary>
    public long InvocationsStarted => Interlocked.Read(ref _invocationsStarted);

    /// <summary>The function of the invocation begun last.</summary>
    public string? RunningFunction => Volatile.Read(ref _runningFunction);

    /// <summary>
    /// The CPU time the worker's code has used since its last invocation began, on its own scheduler
    /// (zero unless <see cref="WorkerExecutorOptions.ThreadCpuClock"/> is set).
    /// </summary>
    public TimeSpan InvocationCpu => TimeSpan.FromTicks((_scheduler.CpuNanoseconds - Interlocked.Read(ref _invocationCpuStart)) / 100);

    /// <summary>How long the worker's code has held the thread it runs on without giving it back (zero when none runs).</summary>
    public TimeSpan CodeHoldingThreadFor => System.Diagnostics.Stopwatch.GetElapsedTime(0, _scheduler.HeldFor);

    /// <summary>The worker's estimated memory now, in bytes (as in <see cref="GetInfo"/>, without building it).</summary>
    public long MemoryNow => Interlocked.Read(ref _memoryNow);

    /// <summary>How long the worker has had nothing to do.</summary>
    public TimeSpan IdleFor => IsBusy ? TimeSpan.Zero : _options.Time.GetElapsedTime(Interlocked.Read(ref _lastActivityTimestamp));

    /// <summary>The worker's instance, for inspection by the residency policy; null when the worker failed.</summary>
    internal object? Instance => _instance;

    /// <summary>
    /// Invokes <paramref name="functionName"/> and waits for its result. The same
    /// <paramref name="idempotencyKey"/> twice runs the function once and returns the same result.
    /// </summary>
    /// <exception cref="InvocationFailedException">The function threw.</exception>
    /// <exception cref="WorkerUnavailableException">The worker failed or exited.</exception>
    public async Task<InvocationResult> InvokeAsync(string functionName, IReadOnlyList<Value> arguments, string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        await InvokeAsync(functionName, arguments, idempotencyKey, null, cancellationToken);

    /// <summary>As <see cref="InvokeAsync(string, IReadOnlyList{Value}, string?, CancellationToken)"/>, for a call from the workers on <paramref name="callChain"/>.</summary>
    public async Task<InvocationResult> InvokeAsync(string functionName, IReadOnlyList<Value> arguments, string? idempotencyKey,
        IReadOnlyList<string>? callChain, CancellationToken cancellationToken = default)
    {
        var key = idempotencyKey ?? FreshKeys.Next();
        var (queued, done) = Accept(functionName, arguments, key, pending: false, callChain);
        if (queued is not null) WakeForCaller();
        var outcome = done is { } recorded
            ? await ReadOutcomeAsync(key, recorded, cancellationToken)
            : await queued!.Completion.Task.WaitAsync(cancellationToken);
        return outcome.ToResult();
    }

    /// <summary>
    /// Queues an invocation without waiting for it. Returns once the invocation is durably queued
    /// (it survives a crash), with its idempotency key.
    /// </summary>
    public async Task<string> EnqueueAsync(string functionName, IReadOnlyList<Value> arguments, string? idempotencyKey = null,
        CancellationToken cancellationToken = default)
    {
        var key = idempotencyKey ?? FreshKeys.Next();
        Accept(functionName, arguments, key, pending: true, null);
        _idle.Wake(onThisThread: false);
        await FlushOrBreakAsync(cancellationToken);
        return key;
    }

    /// <summary>Invocations queued, not counting the running one nor those scheduled for later.</summary>
    public int PendingInvocations
    {
        get
        {
            lock (_gate) return PendingInvocationsNow;
        }
    }

    /// <summary>The resident set this worker is in, told when its memory is measured again (set by <see cref="Residency.ResidentWorkers.Add"/>).</summary>
    internal Residency.ResidentWorkers? Residency { get; set; }

    /// <summary>
    /// <see cref="PendingInvocations"/> read without the worker's lock, for a tally over every resident
    /// worker: it may be off by an invocation arriving or being taken up at this very moment.
    /// </summary>
    internal int PendingInvocationsNow => Math.Max(0, _queued.Count - (Volatile.Read(ref _running) is not null ? 1 : 0));

    /// <summary>
    /// True while an invocation is queued or taken, from its arrival until its end is handed over. Unlike
    /// <see cref="PendingInvocations"/> it also covers the one being taken up: between the moment the
    /// worker takes it from its queue and the moment it starts running, the worker is still idle.
    /// </summary>
    public bool HasInvocations
    {
        get
        {
            lock (_gate) return _queued.Count > 0;
        }
    }

    /// <summary>The worker's metadata.</summary>
    public WorkerInfo GetInfo() =>
        new(Id, _component.Version, _component.Size, Status, _created.Timestamp, _created.Arguments.ToArray(),
            _created.Environment.ToArray(), PendingInvocations, _retryCount, _lastError, _writer.LastIndex, Interlocked.Read(ref _memoryAtStartup),
            Interlocked.Read(ref _memoryNow), Resident: true)
        {
            // An update rebuilds the executor, so what its recovery found stays true while it is open.
            UpdatesFrom = _firstUpdate,
        };

    /// <summary>
    /// Stops taking invocations, lets the running one finish and be committed, and fails the
    /// queued ones with <c>cancelled</c> (enqueued ones stay durably pending and run after a restart).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Close();
        CompleteQueue();
        await _processing.ConfigureAwait(false);
    }

    private (QueuedInvocation? Queued, CompletedInvocation? Done) Accept(string functionName, IReadOnlyList<Value> arguments, string key, bool pending,
        IReadOnlyList<string>? callChain)
    {
        lock (_gate)
        {
            if (IsBroken) throw BrokenError();
            if (_restarting) throw new WorkerSuspendedException(Id, "is being retried from its oplog");
            if (Status is WorkerStatus.Failed or WorkerStatus.Exited) throw new WorkerUnavailableException(Id, Status, _lastError);
            if (_completed.TryGet(key, out var done)) return (null, done);
            if (Status is WorkerStatus.Interrupted) throw Interrupted();
            if (_queued.TryGetValue(key, out var existing))
            {
                // A caller asking again (after a restart, its callee's resumed invocation lost who waits on it).
                existing.CallChain ??= callChain;
                return (existing, null);
            }
            var (values, encoded) = CheckAcceptable(functionName, arguments);
            var pendingIndex = pending
                ? _writer.AppendEncoded(Oplog.Codec.OplogCodec.EncodeInvocation(OplogEntryKind.PendingWorkerInvocation, _writer.Now, functionName, encoded, key))
                : 0;
            var queued = new QueuedInvocation(functionName, values, encoded, key, pendingIndex) { CallChain = callChain };
            if (pending) Interlocked.Increment(ref _durablePending);
            _queued.Add(key, queued);
            // Woken by the caller once the gate is let go.
            if (!Enqueue(queued, wake: false))
            {
                _queued.Remove(key);
                throw new ClayException(ErrorCodes.Cancelled, $"worker {Id} is shutting down");
            }
            return (queued, null);
        }
    }

    /// <summary>
    /// Checks that an invocation may be taken — the function exists, the queue has room, the arguments
    /// fit — and encodes its arguments once, for the oplog. Called under the gate.
    /// </summary>
    private (Value[] Values, byte[] Encoded) CheckAcceptable(string functionName, IReadOnlyList<Value> arguments)
    {
        if (_component.Model.FindFunction(functionName) is null)
        {
            throw new FunctionNotFoundException(Id.Component, functionName, _component.Model.Functions.Select(f => f.Name));
        }
        var values = arguments.ToArray();
        var limits = _options.Limits;
        var waiting = _queued.Count + _scheduled.Count;
        if (waiting >= limits.MaxPendingInvocations)
        {
            throw new ClayException(ErrorCodes.TooManyPending,
                $"worker {Id} already has {waiting} invocations waiting; the limit is {limits.MaxPendingInvocations} (--max-pending): retry later");
        }
        // Encoded once: these bytes are measured here and written in the oplog entries.
        var encoded = Oplog.Codec.OplogCodec.EncodeArguments(values);
        if (encoded.Length > Math.Min(limits.MaxArgumentBytes, limits.MaxEntryBytes - 4096))
        {
            throw new ClayException(ErrorCodes.ArgumentTooLarge,
                $"the arguments of {functionName} take {encoded.Length:N0} bytes; the limit is {limits.MaxArgumentBytes:N0} (--max-argument-size)");
        }
        return (values, encoded);
    }

    /// <summary>Reads the outcome of an invocation that already completed back from the oplog.</summary>
    private async Task<InvocationOutcome> ReadOutcomeAsync(string key, CompletedInvocation recorded, CancellationToken cancellationToken)
    {
        var invoked = await ReadEntryAsync(recorded.Invoked, cancellationToken) as OplogEntry.ExportedFunctionInvoked
            ?? throw new OplogCorruptException(Id, recorded.Invoked, "the entry of a completed invocation is not exported-function-invoked");
        return await ReadEntryAsync(recorded.Ended, cancellationToken) switch
        {
            OplogEntry.ExportedFunctionCompleted completed => new InvocationOutcome(key, invoked.FunctionName, completed.Result, null, null),
            OplogEntry.ExportedFunctionFailed failed => new InvocationOutcome(key, invoked.FunctionName, null, failed.ExceptionType, failed.Message),
            _ => throw new OplogCorruptException(Id, recorded.Ended, "the end of a completed invocation is not exported-function-completed or -failed"),
        };
    }

    private async Task<OplogEntry> ReadEntryAsync(long index, CancellationToken cancellationToken)
    {
        await foreach (var stored in _store.ReadAsync(Id, index, index, cancellationToken))
        {
            return RecoveryWindow.Decode(Id, stored);
        }
        throw new OplogCorruptException(Id, index, "the entry is missing");
    }

    private DurableWorkerContext NewContext() => new(
        new WorkerIdentity(Id.Component, Id.Worker), _created.Arguments.ToArray(),
        _created.Environment.Length == 0
            ? System.Collections.Frozen.FrozenDictionary<string, string>.Empty
            : _created.Environment.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal),
        _writer, _replay, this, _options.Time, _options.HttpHandlerFactory, SetStatusFromContext,
        LogSink());

    /// <summary>Where live log lines go: the host's logger, then <see cref="WorkerExecutorOptions.LogSink"/>.</summary>
    private Action<long, OplogEntry.Log> LogSink()
    {
        var sink = _options.LogSink;
        var logger = ExecutorLoggers.Of(_options.LoggerFactory).Worker;
        return (index, entry) =>
        {
            Diagnostics.WorkerLogForwarder.Write(logger, Id, entry);
            if (sink is null) return;
            // The invocation under way, read from the executor (not an AsyncLocal, whose every change would
            // make a new execution context for each invocation's task to capture).
            var running = Volatile.Read(ref _running);
            sink(Id, index, entry, running?.FunctionName, running?.IdempotencyKey);
        };
    }

    private void SetStatusFromContext(WorkerStatus status)
    {
        if (status == WorkerStatus.Retrying) Interlocked.Increment(ref _retryCount);
        Status = status;
    }

    private ClayException BrokenError() =>
        new(ErrorCodes.StorageUnavailable, $"worker {Id} could not write its oplog and must be reloaded");

    private async ValueTask FlushOrBreakAsync(CancellationToken cancellationToken, bool withMark = false, bool handOver = false)
    {
        try
        {
            await (withMark ? _writer.FlushWithMarkAsync(cancellationToken)
                : handOver ? _writer.HandOverAsync(cancellationToken)
                : _writer.FlushAsync(cancellationToken));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            IsBroken = true;
            _lastError = ex.Message;
            throw;
        }
    }
}
