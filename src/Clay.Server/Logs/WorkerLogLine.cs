using Clay.Sdk;

namespace Clay.Server.Logs;

/// <summary>One line of a worker's output, as the live log stream carries it.</summary>
/// <param name="OplogIndex">The index of the line's entry in the worker's oplog: its stream id.</param>
/// <param name="Timestamp">When the worker wrote it.</param>
/// <param name="Level">Its severity.</param>
/// <param name="Context">Where it came from: empty for <c>context.Log</c>; a name such as <c>stdout</c> for captured output.</param>
/// <param name="Message">The text.</param>
public sealed record WorkerLogLine(long OplogIndex, DateTimeOffset Timestamp, WorkerLogLevel Level, string Context, string Message)
{
    /// <summary>The line of a log entry written at <paramref name="oplogIndex"/>.</summary>
    public static WorkerLogLine Of(long oplogIndex, Runtime.Oplog.OplogEntry.Log entry) =>
        new(oplogIndex, entry.Timestamp, entry.Level, entry.Context, entry.Message);
}
