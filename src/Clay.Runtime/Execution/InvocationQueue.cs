namespace Clay.Runtime.Execution;

/// <summary>
/// A worker's queue of invocations waiting for its loop: any thread adds, the loop alone takes. Once
/// completed it takes nothing more and is done when the loop has taken what it held. Waking the loop
/// is the executor's (its idle signal); this is only the queue, small because every worker in memory
/// has one.
/// </summary>
internal sealed class InvocationQueue
{
    private readonly Queue<QueuedInvocation> _items = new();
    private bool _completed;

    /// <summary>Adds <paramref name="queued"/>, unless the queue was completed.</summary>
    public bool TryAdd(QueuedInvocation queued)
    {
        lock (_items)
        {
            if (_completed) return false;
            _items.Enqueue(queued);
            return true;
        }
    }

    /// <summary>Takes the oldest invocation, if any.</summary>
    public bool TryTake(out QueuedInvocation queued)
    {
        lock (_items) return _items.TryDequeue(out queued!);
    }

    /// <summary>Whether an invocation is waiting.</summary>
    public bool Any
    {
        get
        {
            lock (_items) return _items.Count > 0;
        }
    }

    /// <summary>Whether the queue was completed and everything in it taken.</summary>
    public bool IsDone
    {
        get
        {
            lock (_items) return _completed && _items.Count == 0;
        }
    }

    /// <summary>Whether the loop has something to do: an invocation waiting, or the queue completed.</summary>
    public bool AnyOrCompleted
    {
        get
        {
            lock (_items) return _completed || _items.Count > 0;
        }
    }

    /// <summary>Takes nothing more.</summary>
    public void Complete()
    {
        lock (_items) _completed = true;
    }
}
