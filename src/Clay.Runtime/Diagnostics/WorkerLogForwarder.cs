using Clay.Runtime.Oplog;
using Clay.Sdk;
using Microsoft.Extensions.Logging;

namespace Clay.Runtime.Diagnostics;

/// <summary>
/// Writes a worker's log lines to the host's <see cref="ILogger"/> (category <c>Clay.Worker</c>) as
/// they are written live, with the worker's id as a structured field; the running invocation's scope
/// (<see cref="WorkerLogScope"/>) adds the function and the invocation key. Replay writes no lines,
/// so a recovered worker does not print its history again.
/// </summary>
public static partial class WorkerLogForwarder
{
    /// <summary>The logger category of worker log lines.</summary>
    public const string Category = "Clay.Worker";

    /// <summary>Writes <paramref name="line"/> of <paramref name="worker"/> to <paramref name="logger"/>.</summary>
    public static void Write(ILogger logger, WorkerId worker, OplogEntry.Log line)
    {
        var level = Map(line.Level);
        if (!logger.IsEnabled(level)) return;
        if (line.Context.Length == 0) WorkerLine(logger, level, worker.ToString(), line.Message);
        else WorkerLineWithContext(logger, level, worker.ToString(), line.Context, line.Message);
    }

    /// <summary>The <see cref="LogLevel"/> of a worker's level.</summary>
    public static LogLevel Map(WorkerLogLevel level) => level switch
    {
        WorkerLogLevel.Trace => LogLevel.Trace,
        WorkerLogLevel.Debug => LogLevel.Debug,
        WorkerLogLevel.Info => LogLevel.Information,
        WorkerLogLevel.Warn => LogLevel.Warning,
        _ => LogLevel.Error,
    };

    [LoggerMessage(EventId = 1, EventName = "WorkerLog", Message = "{Worker}: {Message}")]
    private static partial void WorkerLine(ILogger logger, LogLevel level, string worker, string message);

    [LoggerMessage(EventId = 2, EventName = "WorkerLogWithContext", Message = "{Worker} [{LogContext}]: {Message}")]
    private static partial void WorkerLineWithContext(ILogger logger, LogLevel level, string worker, string logContext, string message);
}
