using System.Text.Json;
using Clay.Runtime.Oplog;
using Clay.Runtime.Values;
using Clay.Sdk;

namespace Clay.Runtime.Execution;

/// <summary>
/// The runtime's <see cref="WorkerContext"/>: every non-deterministic value and external effect goes
/// through here. While recorded entries remain, results are served from the oplog and checked
/// against what the code asks for; after that, effects run live and are recorded.
/// </summary>
internal sealed partial class DurableWorkerContext : WorkerContext
{
    private readonly OplogWriter _writer;
    private readonly ReplayLog _replay;
    private readonly WorkerExecutor _host;
    private readonly TimeProvider _time;
    private readonly Action<WorkerStatus> _setStatus;
    private readonly Action<long, OplogEntry.Log>? _logSink;
    private readonly Lazy<HttpClient> _http;
    private Task _effectTail = Task.CompletedTask;

    public DurableWorkerContext(WorkerIdentity identity, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment,
        OplogWriter writer, ReplayLog replay, WorkerExecutor host, TimeProvider time, Func<HttpMessageHandler> httpHandlerFactory,
        Action<WorkerStatus> setStatus, Action<long, OplogEntry.Log>? logSink)
    {
        Identity = identity;
        Arguments = arguments;
        Environment = environment;
        _writer = writer;
        _replay = replay;
        _host = host;
        _time = time;
        _setStatus = setStatus;
        _logSink = logSink;
        _http = new Lazy<HttpClient>(() => new HttpClient(new DurableHttpHandler(this, httpHandlerFactory()), disposeHandler: true));
    }

    public override WorkerIdentity Identity { get; }

    public override IReadOnlyList<string> Arguments { get; }

    public override IReadOnlyDictionary<string, string> Environment { get; }

    public override HttpClient Http => _http.Value;

    /// <summary>The first divergence from the oplog, kept even if worker code caught the exception.</summary>
    public NondeterminismException? Divergence { get; private set; }

    /// <summary>
    /// Set when an effect exhausted its retries on a transient failure: the invocation is retried as a
    /// whole, even if worker code caught the exception; every later effect of this attempt throws it.
    /// </summary>
    public InvocationRetryException? RetryRequested { get; private set; }

    /// <summary>Set when the worker is interrupted: the invocation stops at its next effect or wait.</summary>
    public InvocationInterruptedException? InterruptRequested { get; set; }

    /// <summary>True while recorded entries remain to be served.</summary>
    public bool IsReplaying => _replay.HasMore;

    /// <summary>Makes this the ambient <see cref="WorkerContext.Current"/> of the calling flow.</summary>
    public void MakeCurrent() => Current = this;

    public override DateTimeOffset UtcNow()
    {
        var micros = ReadLocal("clock::utc-now", Value.None, () => new Value.S64((_time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10));
        return DateTimeOffset.UnixEpoch.AddTicks(((Value.S64)micros).V * 10);
    }

    public override long MonotonicNanoseconds()
    {
        var value = ReadLocal("clock::monotonic-now", Value.None, () =>
            new Value.U64((ulong)(_time.GetTimestamp() * (1_000_000_000.0 / _time.TimestampFrequency))));
        return (long)((Value.U64)value).V;
    }

    public override ulong NextRandom() =>
        ((Value.U64)ReadLocal("random::next-u64", Value.None, () => new Value.U64((ulong)Random.Shared.NextInt64() ^ ((ulong)Random.Shared.Next() << 63)))).V;

    public override Guid NewGuid() =>
        Guid.Parse(((Value.String)ReadLocal("random::new-guid", Value.None, () => new Value.String(Guid.NewGuid().ToString()))).V);

    public override void Log(WorkerLogLevel level, string message)
    {
        // A replayed worker already wrote its log lines; writing them again would duplicate them.
        if (IsReplaying) return;
        WriteLog(level, "", message);
    }

    /// <summary>Records a live log line and hands it to the sink; long lines are cut to fit an oplog entry.</summary>
    private void WriteLog(WorkerLogLevel level, string logContext, string message)
    {
        var limit = MaxLineLength();
        if (message.Length > limit) message = string.Concat(message.AsSpan(0, limit), $"… ({message.Length - limit} more characters)");
        var entry = new OplogEntry.Log(_writer.Now, level, logContext, message);
        var index = _writer.Append(entry);
        _logSink?.Invoke(index, entry);
    }

    private int MaxLineLength() => Math.Max(1, Math.Min(64 * 1024, _writer.MaxEntryBytes / 8));

    public override async Task SleepAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ThrowIfRetrying();
        var recorded = _replay.PeekSignificant() is not null;
        var wakeAtMs = ((Value.S64)ReadLocal("clock::sleep", new Value.S64((long)duration.TotalMilliseconds),
            () => new Value.S64(_time.GetUtcNow().Add(duration).ToUnixTimeMilliseconds()))).V;
        var wakeAt = DateTimeOffset.FromUnixTimeMilliseconds(wakeAtMs);
        // A recorded sleep that the history goes on after has ended; one at the end of the history
        // is still under way, and waits only what remains of it.
        if (recorded && _replay.PeekSignificant() is not null) return;
        if (!recorded) _writer.Append(new OplogEntry.Suspend(_writer.Now, wakeAt));
        var remaining = wakeAt - _time.GetUtcNow();
        if (remaining <= TimeSpan.Zero) return;
        using var span = recorded ? null : Diagnostics.ClayTelemetry.StartSleep(wakeAt);
        if (duration >= _host.DurableSleepThreshold)
        {
            await _host.WaitUntilAsync(wakeAt, WorkerStatus.Suspended, cancellationToken).ConfigureAwait(true);
            return;
        }
        _setStatus(WorkerStatus.Suspended);
        try
        {
            await Task.Delay(remaining, _time, cancellationToken);
        }
        finally
        {
            _setStatus(WorkerStatus.Running);
        }
    }

    public override PromiseId CreatePromise()
    {
        ThrowIfRetrying();
        // The promise's id is the index of the entry that records its creation.
        if (_replay.PeekSignificant() is { } next)
        {
            if (next.Entry is not OplogEntry.ImportedFunctionInvoked { FunctionName: PromiseCreate }) throw Diverged(next, PromiseCreate);
            _replay.Next();
            return new PromiseId(next.Index);
        }
        return new PromiseId(_writer.Append(new OplogEntry.ImportedFunctionInvoked(_writer.Now, PromiseCreate, Value.None, Value.None, EffectKind.ReadLocal)));
    }

    public override async Task<string> AwaitPromiseAsync(PromiseId promise, CancellationToken cancellationToken = default)
    {
        ThrowIfRetrying();
        if (TryServeRecorded(PromiseAwait, out var recorded)) return ((Value.String)recorded).V;
        var value = System.Text.Encoding.UTF8.GetString(await _host.AwaitPromiseAsync(promise.Value, cancellationToken).ConfigureAwait(true));
        _writer.Append(new OplogEntry.ImportedFunctionInvoked(_writer.Now, PromiseAwait, new Value.S64(promise.Value), new Value.String(value),
            EffectKind.ReadRemote));
        return value;
    }

    /// <summary>The effect name that records a promise's creation.</summary>
    internal const string PromiseCreate = "promise::create";

    /// <summary>The effect name that records a promise's completion value.</summary>
    internal const string PromiseAwait = "promise::await";

    private void ThrowIfRetrying()
    {
        if (RetryRequested is { } retry) throw retry;
        if (InterruptRequested is { } interrupt) throw interrupt;
    }

    public override async Task<T> RunAsync<T>(string name, Func<CancellationToken, Task<T>> effect, EffectOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(effect);
        options ??= EffectOptions.Default;
        var response = await RemoteEffectAsync($"run::{name}", Value.None,
            options.Idempotent ? EffectKind.ReadRemote : EffectKind.WriteRemote, options,
            async ct => new Value.String(JsonSerializer.Serialize(await effect(ct).ConfigureAwait(true))), cancellationToken);
        var payload = Unwrap(name, response);
        return JsonSerializer.Deserialize<T>(((Value.String)payload!).V)!;
    }

    /// <summary>Serves a local effect from the oplog, or computes and records it.</summary>
    private Value ReadLocal(string name, Value request, Func<Value> compute)
    {
        ThrowIfRetrying();
        if (TryServeRecorded(name, out var recorded)) return recorded;
        var value = compute();
        _writer.Append(new OplogEntry.ImportedFunctionInvoked(_writer.Now, name, request, value, EffectKind.ReadLocal));
        return value;
    }

    private bool TryServeRecorded(string name, out Value response)
    {
        var next = _replay.PeekSignificant();
        if (next is null)
        {
            response = null!;
            return false;
        }
        if (next.Value.Entry is OplogEntry.ImportedFunctionInvoked imported && imported.FunctionName == name)
        {
            _replay.Next();
            response = imported.Response;
            return true;
        }
        throw Diverged(next.Value, name);
    }

    private NondeterminismException Diverged((long Index, OplogEntry Entry) recorded, string attempted) =>
        Divergence ??= new NondeterminismException(recorded.Index, Describe(recorded.Entry), $"effect {attempted}");

    internal static string Describe(OplogEntry entry) => entry switch
    {
        OplogEntry.ImportedFunctionInvoked i => $"effect {i.FunctionName}",
        OplogEntry.BeginRemoteWrite b => $"effect {b.FunctionName}",
        OplogEntry.ExportedFunctionCompleted => "the end of the invocation",
        OplogEntry.ExportedFunctionFailed f => $"the invocation failing with {f.ExceptionType}",
        OplogEntry.ExportedFunctionInvoked i => $"an invocation of {i.FunctionName}",
        _ => entry.Kind.ToString(),
    };
}
