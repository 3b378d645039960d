using Clay.Client.Contracts;

namespace Clay.Client.Logs;

/// <summary>What a <see cref="WorkerLogStream"/> reports: a line, or news about the stream itself.</summary>
public abstract record WorkerLogEvent
{
    private WorkerLogEvent() { }

    /// <summary>A log line the reader has not seen before.</summary>
    /// <param name="Value">The line.</param>
    public sealed record Line(LogLineDto Value) : WorkerLogEvent;

    /// <summary>Lines that were written but cannot be delivered now; the oplog will have them once the worker commits.</summary>
    /// <param name="Value">Which lines, and why.</param>
    public sealed record Gap(LogGapDto Value) : WorkerLogEvent;

    /// <summary>The connection was lost; the stream is reconnecting and will resume after <paramref name="After"/>.</summary>
    /// <param name="Reason">What happened.</param>
    /// <param name="After">The index of the last line delivered (null before any).</param>
    public sealed record Disconnected(string Reason, long? After) : WorkerLogEvent;

    /// <summary>The stream is connected again and resumes after <paramref name="After"/>.</summary>
    /// <param name="After">The index of the last line delivered (null before any).</param>
    public sealed record Reconnected(long? After) : WorkerLogEvent;
}
