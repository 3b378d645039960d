using System.Threading.Channels;
using Clay.Runtime.History;

namespace Clay.Server.Logs;

/// <summary>
/// One reader of a worker's live log lines. Lines wait in a bounded buffer; a reader that lets it
/// fill up is dropped (<see cref="Overflowed"/>) instead of slowing the worker down, and can
/// resume from the last line it read.
/// </summary>
public sealed class LogSubscription : IDisposable
{
    private readonly Channel<WorkerLogLine> _lines;
    private readonly Action<LogSubscription> _unsubscribe;
    private int _disposed;

    internal LogSubscription(int capacity, IReadOnlyList<WorkerLogLine> recent, Action<LogSubscription> unsubscribe)
    {
        _lines = Channel.CreateBounded<WorkerLogLine>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        Recent = recent;
        _unsubscribe = unsubscribe;
    }

    /// <summary>
    /// Lines published before this subscription that the server still held in memory, oldest first;
    /// they may not be durable yet, so a resuming reader cannot find them in the oplog.
    /// </summary>
    public IReadOnlyList<WorkerLogLine> Recent { get; }

    /// <summary>Lines published from now on, in oplog order. Completes when the reader is dropped or disposed.</summary>
    public ChannelReader<WorkerLogLine> Lines => _lines.Reader;

    /// <summary>True once the buffer filled up and the reader was dropped; the lines after the last one read are not delivered.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Hands a line to the reader without waiting; drops the reader when its buffer is full.</summary>
    internal void Offer(WorkerLogLine line)
    {
        if (_lines.Writer.TryWrite(line)) return;
        if (Volatile.Read(ref _disposed) != 0) return;
        Overflowed = true;
        _lines.Writer.TryComplete();
        Dispose();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _lines.Writer.TryComplete();
        _unsubscribe(this);
    }
}
