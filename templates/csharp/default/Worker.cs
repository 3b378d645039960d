using Clay.Sdk;

namespace Component;

/// <summary>
/// A Clay worker: its fields are its state, kept in memory and rebuilt from the oplog after any
/// restart. Public methods are the exported functions, named in kebab-case (Add → add).
/// </summary>
[ClayWorker]
public sealed class Worker(WorkerContext context)
{
    private ulong _total;

    /// <summary>Adds <paramref name="value"/> to the total and returns the new total.</summary>
    public ulong Add(ulong value)
    {
        _total += value;
        context.Log($"added {value}, total {_total}");
        return _total;
    }

    /// <summary>The total so far.</summary>
    public ulong Get() => _total;
}
