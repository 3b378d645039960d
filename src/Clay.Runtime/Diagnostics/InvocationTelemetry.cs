using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Clay.Runtime.Diagnostics;

/// <summary>
/// What one live invocation reports while it runs: its span (a child of the caller's, carried with
/// the queued invocation), a logging scope naming the worker and the invocation, so every log line
/// written meanwhile (the worker's own included) carries them, and its count and latency at the end.
/// </summary>
internal sealed class InvocationTelemetry : IDisposable
{
    private readonly WorkerId _worker;
    private readonly string _function;
    private readonly Activity? _activity;
    private readonly IDisposable? _scope;
    private readonly long _started = Stopwatch.GetTimestamp();
    private string _outcome = "error";
    private bool _ended;

    private InvocationTelemetry(WorkerId worker, string function, Activity? activity, IDisposable? scope)
    {
        _worker = worker;
        _function = function;
        _activity = activity;
        _scope = scope;
    }

    /// <summary>
    /// Starts reporting an invocation taken from <paramref name="worker"/>'s queue; <paramref name="resumed"/>
    /// when it was begun before (a retry, or one that waited out of memory) and continues from its oplog;
    /// without <paramref name="logger"/>, no logging scope is opened.
    /// </summary>
    public static InvocationTelemetry Start(WorkerId worker, string function, string key, ActivityContext parent, bool resumed, ILogger? logger)
    {
        Activity? activity = null;
        if (ClayTelemetry.Source.HasListeners())
        {
            activity = ClayTelemetry.Source.StartActivity($"invoke {function}", ActivityKind.Internal, parent);
            activity?.SetTag(ClayTelemetry.WorkerAttribute, worker.ToString());
            activity?.SetTag(ClayTelemetry.ComponentAttribute, worker.Component);
            activity?.SetTag(ClayTelemetry.FunctionAttribute, function);
            activity?.SetTag(ClayTelemetry.InvocationKeyAttribute, key);
            if (resumed) activity?.SetTag("clay.invocation.resumed", true);
        }
        var scope = logger?.BeginScope(new WorkerLogScope(worker, function, key));
        return new InvocationTelemetry(worker, function, activity, scope);
    }

    /// <summary>
    /// The invocation ended: <paramref name="exceptionType"/> is null when it returned. Ends the span
    /// and counts it, before the caller is answered, so a caller that has its result has its whole trace.
    /// </summary>
    public void Ended(string? exceptionType)
    {
        _outcome = exceptionType is null ? "ok" : "failed";
        if (exceptionType is not null) _activity?.SetStatus(ActivityStatusCode.Error, exceptionType);
        Dispose();
    }

    /// <summary>The invocation left this executor unfinished, to continue from its oplog (a retry, a long wait).</summary>
    public void Suspended()
    {
        _outcome = "suspended";
        Dispose();
    }

    /// <summary>The invocation could not be run or committed.</summary>
    public void Broke(Exception error)
    {
        _activity?.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
        Dispose();
    }

    /// <summary>Ends the span and the scope and counts the invocation, once; an invocation not otherwise ended counts as an error.</summary>
    public void Dispose()
    {
        if (_ended) return;
        _ended = true;
        ClayTelemetry.Ended(_worker.Component, _function, _outcome, Stopwatch.GetElapsedTime(_started));
        _activity?.SetTag("clay.outcome", _outcome);
        _activity?.Dispose();
        _scope?.Dispose();
    }
}
