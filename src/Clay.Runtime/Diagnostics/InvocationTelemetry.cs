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

    private InvocationTelemetry(WorkerId worker, string function, Activity? activity, IDisposable? scope)
    {
        _worker = worker;
        _function = function;
        _activity = activity;
        _scope = scope;
    }

    /// <summary>Starts reporting an invocation taken from <paramref name="worker"/>'s queue.</summary>
    public static InvocationTelemetry Start(WorkerId worker, string function, string key, ActivityContext parent, ILogger logger)
    {
        Activity? activity = null;
        if (ClayTelemetry.Source.HasListeners())
        {
            activity = ClayTelemetry.Source.StartActivity($"invoke {function}", ActivityKind.Internal, parent);
            activity?.SetTag(ClayTelemetry.WorkerAttribute, worker.ToString());
            activity?.SetTag(ClayTelemetry.ComponentAttribute, worker.Component);
            activity?.SetTag(ClayTelemetry.FunctionAttribute, function);
            activity?.SetTag(ClayTelemetry.InvocationKeyAttribute, key);
        }
        var scope = logger.BeginScope(new WorkerLogScope(worker, function, key));
        return new InvocationTelemetry(worker, function, activity, scope);
    }

    /// <summary>The invocation ended: <paramref name="exceptionType"/> is null when it returned.</summary>
    public void Ended(string? exceptionType)
    {
        _outcome = exceptionType is null ? "ok" : "failed";
        if (exceptionType is not null) _activity?.SetStatus(ActivityStatusCode.Error, exceptionType);
    }

    /// <summary>The invocation could not be run or committed.</summary>
    public void Broke(Exception error) => _activity?.SetStatus(ActivityStatusCode.Error, error.GetType().Name);

    public void Dispose()
    {
        ClayTelemetry.Ended(_worker.Component, _function, _outcome, Stopwatch.GetElapsedTime(_started));
        _activity?.SetTag("clay.outcome", _outcome);
        _activity?.Dispose();
        _scope?.Dispose();
    }
}
