using System.Collections.Concurrent;
using Clay.Runtime;
using Clay.Runtime.History;
using Clay.Runtime.Oplog;

namespace Clay.Server.Logs;

/// <summary>
/// Hands the log lines that workers write live to the readers of each worker's log stream. It is
/// the executor's log sink: <see cref="Publish(WorkerId, long, OplogEntry.Log)"/> runs on the worker's thread and never waits — a
/// reader whose buffer is full is dropped. Only watched workers cost anything: a worker nobody
/// has watched within <see cref="Retention"/> is a failed dictionary lookup.
/// </summary>
/// <remarks>
/// Every source of worker output arrives here with the oplog index of the entry that records it:
/// the executor's durable <c>context.Log</c> lines, and what the worker writes to
/// <see cref="Console"/>, recorded as log entries with the context <c>stdout</c> or <c>stderr</c>.
/// </remarks>
public sealed class WorkerLogBroadcaster(TimeProvider time)
{
    private readonly ConcurrentDictionary<WorkerId, WorkerLogTopic> _topics = new();

    /// <summary>Creates a broadcaster on the system clock.</summary>
    public WorkerLogBroadcaster() : this(TimeProvider.System)
    {
    }

    /// <summary>Lines a reader may fall behind before it is dropped.</summary>
    public int ReaderBuffer { get; init; } = 1024;

    /// <summary>Recent lines kept per watched worker for readers who reconnect.</summary>
    public int RecentLines { get; init; } = 1024;

    /// <summary>Characters of recent lines kept per watched worker (the ring also stops at <see cref="RecentLines"/>).</summary>
    public long RecentChars { get; init; } = 1 << 20;

    /// <summary>How long a worker's recent lines are kept after its last reader left.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Workers with readers or recent lines kept for returning readers.</summary>
    public int WatchedWorkers => _topics.Count;

    /// <summary>The executor's log sink: publishes a log entry the worker just appended at <paramref name="oplogIndex"/>; never blocks.</summary>
    public void Publish(WorkerId worker, long oplogIndex, OplogEntry.Log entry)
    {
        // Most workers are not watched: look up before building the line.
        if (_topics.TryGetValue(worker, out var topic) && !Retire(worker, topic)) topic.Publish(WorkerLogLine.Of(oplogIndex, entry));
    }

    /// <summary>Publishes a line the worker just wrote; never blocks.</summary>
    public void Publish(WorkerId worker, WorkerLogLine line)
    {
        if (_topics.TryGetValue(worker, out var topic) && !Retire(worker, topic)) topic.Publish(line);
    }

    /// <summary>
    /// Starts reading <paramref name="worker"/>'s lines. <see cref="LogSubscription.Recent"/> holds
    /// the lines after <paramref name="after"/> still in memory; the caller reads older ones from
    /// the oplog. <paramref name="forgottenThrough"/> is the highest index that was published but
    /// is no longer held (0: none): lines up to it that are not yet durable cannot be served.
    /// </summary>
    public LogSubscription Subscribe(WorkerId worker, long after, out long forgottenThrough)
    {
        Sweep();
        while (true)
        {
            var topic = _topics.GetOrAdd(worker, _ => new WorkerLogTopic(RecentLines, RecentChars));
            if (topic.Subscribe(after, ReaderBuffer, s => Leave(topic, s), out forgottenThrough) is { } subscription) return subscription;
            // Retired between the lookup and the subscription: it is being removed; make a new one.
            _topics.TryRemove(new KeyValuePair<WorkerId, WorkerLogTopic>(worker, topic));
        }
    }

    private void Leave(WorkerLogTopic topic, LogSubscription subscription) =>
        topic.Unsubscribe(subscription, time.GetTimestamp());

    private void Sweep()
    {
        foreach (var (worker, topic) in _topics) Retire(worker, topic);
    }

    private bool Retire(WorkerId worker, WorkerLogTopic topic)
    {
        if (!topic.TryRetire(idle => time.GetElapsedTime(idle) > Retention)) return false;
        _topics.TryRemove(new KeyValuePair<WorkerId, WorkerLogTopic>(worker, topic));
        return true;
    }
}
