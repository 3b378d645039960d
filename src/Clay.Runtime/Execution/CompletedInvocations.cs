namespace Clay.Runtime.Execution;

/// <summary>
/// The idempotency keys of a worker's most recent completed invocations, each with where its
/// outcome is in the oplog. Bounded: once <c>capacity</c> keys are kept, the oldest is forgotten, and
/// an invocation repeated with a forgotten key runs again. Results are not kept in memory; a
/// repeated key reads its outcome back from the oplog.
/// </summary>
internal sealed class CompletedInvocations(int capacity)
{
    private readonly Dictionary<string, CompletedInvocation> _byKey = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>How many keys are kept.</summary>
    public int Count => _byKey.Count;

    /// <summary>Records a completed invocation, forgetting the oldest key when full.</summary>
    public void Add(string key, CompletedInvocation where)
    {
        if (capacity <= 0) return;
        if (_byKey.TryAdd(key, where))
        {
            _order.Enqueue(key);
            while (_order.Count > capacity) _byKey.Remove(_order.Dequeue());
        }
        else
        {
            _byKey[key] = where;
        }
    }

    /// <summary>Where the outcome of the invocation with <paramref name="key"/> is, if the key is kept.</summary>
    public bool TryGet(string key, out CompletedInvocation where) => _byKey.TryGetValue(key, out where);
}

/// <summary>Where a completed invocation is in the oplog.</summary>
/// <param name="Invoked">The index of its <c>exported-function-invoked</c> entry.</param>
/// <param name="Ended">The index of its <c>exported-function-completed</c> or <c>exported-function-failed</c> entry.</param>
internal readonly record struct CompletedInvocation(long Invoked, long Ended);
