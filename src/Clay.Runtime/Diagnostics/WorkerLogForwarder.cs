using System.Collections;
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
public static class WorkerLogForwarder
{
    /// <summary>The logger category of worker log lines.</summary>
    public const string Category = "Clay.Worker";

    private static readonly EventId Line = new(1, "WorkerLog");
    private static readonly EventId LineWithContext = new(2, "WorkerLogWithContext");

    /// <summary>Writes <paramref name="line"/> of <paramref name="worker"/> to <paramref name="logger"/>.</summary>
    public static void Write(ILogger logger, WorkerId worker, OplogEntry.Log line)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(line);
        var level = Map(line.Level);
        if (!logger.IsEnabled(level)) return;
        logger.Log(level, line.Context.Length == 0 ? Line : LineWithContext, new WorkerLine(worker, line.Context, line.Message), null,
            static (state, _) => state.ToString());
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

    /// <summary>
    /// A line's fields, as a source-generated logging message would have them (<c>Worker</c>,
    /// <c>LogContext</c> when there is one, <c>Message</c>, the template) — but the worker's id is
    /// made text only when a field is read, not for the line's text, which is made in one piece.
    /// </summary>
    private readonly struct WorkerLine(WorkerId worker, string context, string message) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => context.Length == 0 ? 3 : 4;

        public KeyValuePair<string, object?> this[int index] =>
            // Without a context, the fields after the worker's move up one.
            (context.Length == 0 && index > 0 ? index + 1 : index) switch
            {
                0 => new("Worker", worker.ToString()),
                1 => new("LogContext", context),
                2 => new("Message", message),
                3 => new("{OriginalFormat}", context.Length == 0 ? "{Worker}: {Message}" : "{Worker} [{LogContext}]: {Message}"),
                _ => throw new ArgumentOutOfRangeException(nameof(index)),
            };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++) yield return this[i];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => context.Length == 0
            ? string.Concat(worker.Component, "/", worker.Worker, ": ", message)
            : $"{worker.Component}/{worker.Worker} [{context}]: {message}";
    }
}
