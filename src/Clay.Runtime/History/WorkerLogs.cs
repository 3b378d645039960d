using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;
using Clay.Sdk;

namespace Clay.Runtime.History;

/// <summary>One line of a worker's output, as the live log stream carries it.</summary>
/// <param name="OplogIndex">The index of the line's entry in the worker's oplog: its stream id.</param>
/// <param name="Timestamp">When the worker wrote it.</param>
/// <param name="Level">Its severity.</param>
/// <param name="Context">Where it came from: empty for <c>context.Log</c>; a name such as <c>stdout</c> for captured output.</param>
/// <param name="Message">The text.</param>
public sealed record WorkerLogLine(long OplogIndex, DateTimeOffset Timestamp, WorkerLogLevel Level, string Context, string Message)
{
    /// <summary>The line of a log entry written at <paramref name="oplogIndex"/>.</summary>
    public static WorkerLogLine Of(long oplogIndex, OplogEntry.Log entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(oplogIndex, entry.Timestamp, entry.Level, entry.Context, entry.Message);
    }
}

/// <summary>The durable log lines of a stretch of a worker's oplog.</summary>
/// <param name="Lines">The lines, in index order.</param>
/// <param name="Last">The index of the last entry read; where the read began when there was none.</param>
/// <param name="More">True when the read stopped at its bound and entries after <paramref name="Last"/> may follow.</param>
public sealed record WorkerLogPage(IReadOnlyList<WorkerLogLine> Lines, long Last, bool More);

/// <summary>Reads a worker's durable log lines from its oplog.</summary>
public static class WorkerLogs
{
    /// <summary>
    /// The log lines among the (at most <paramref name="count"/>) entries after <paramref name="after"/>; only
    /// log entries are decoded (the others' kinds are peeked). A worker without an oplog has no lines.
    /// </summary>
    public static async Task<WorkerLogPage> ReadAsync(IOplogStore store, WorkerId id, long after, int count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegative(after);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var lines = new List<WorkerLogLine>();
        var last = after;
        await foreach (var stored in store.ReadAsync(id, after + 1, after + count, cancellationToken))
        {
            last = stored.Index;
            if (stored.Payload.Length < 2 || OplogCodec.PeekKind(stored.Payload.Span) != OplogEntryKind.Log) continue;
            if (OplogCodec.Decode(stored.Payload.Span) is OplogEntry.Log log) lines.Add(WorkerLogLine.Of(stored.Index, log));
        }
        return new WorkerLogPage(lines, last, last == after + count);
    }
}
