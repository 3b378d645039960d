using System.Collections.Immutable;
using Clay.Runtime.History;

namespace Clay.Server.Logs;

/// <summary>
/// The live lines of one watched worker: its readers, and the most recent lines (a bounded ring),
/// kept for a while after the last reader left so that a reader who reconnects gets the lines it
/// missed even before they are durable in the oplog.
/// </summary>
internal sealed class WorkerLogTopic(int recentLines, long recentChars)
{
    private readonly Lock _gate = new();
    private readonly Queue<WorkerLogLine> _recent = new();
    private long _recentChars;
    private ImmutableArray<LogSubscription> _readers = [];
    private long _forgottenThrough;
    private long? _idleSince;
    private bool _retired;

    public void Publish(WorkerLogLine line)
    {
        lock (_gate)
        {
            _recent.Enqueue(line);
            _recentChars += line.Message.Length;
            while (_recent.Count > recentLines || (_recentChars > recentChars && _recent.Count > 1))
            {
                var old = _recent.Dequeue();
                _recentChars -= old.Message.Length;
                _forgottenThrough = Math.Max(_forgottenThrough, old.OplogIndex);
            }
            // Offering under the lock keeps every reader's lines in publishing order; a reader that
            // overflows removes itself, which only replaces the array this loop does not use.
            foreach (var reader in _readers) reader.Offer(line);
        }
    }

    /// <summary>Adds a reader; null when the topic was retired (the caller makes a new one).</summary>
    public LogSubscription? Subscribe(long after, int capacity, Action<LogSubscription> unsubscribe, out long forgottenThrough)
    {
        lock (_gate)
        {
            forgottenThrough = 0;
            if (_retired) return null;
            var recent = _recent.Where(l => l.OplogIndex > after).ToList();
            var subscription = new LogSubscription(capacity, recent, unsubscribe);
            _readers = _readers.Add(subscription);
            _idleSince = null;
            forgottenThrough = _forgottenThrough;
            return subscription;
        }
    }

    /// <summary>Removes a reader.</summary>
    public void Unsubscribe(LogSubscription subscription, long now)
    {
        lock (_gate)
        {
            _readers = _readers.Remove(subscription);
            if (_readers.IsEmpty) _idleSince = now;
        }
    }

    /// <summary>Retires the topic if no one has read it since <paramref name="expired"/> says so; a retired topic takes no readers.</summary>
    public bool TryRetire(Func<long, bool> expired)
    {
        lock (_gate)
        {
            if (_idleSince is { } idle && expired(idle)) _retired = true;
            return _retired;
        }
    }
}
