using Clay.Sdk;

namespace Clay.TestComponents.Durability;

/// <summary>Counts its invocations: shows whether an invocation ran once or twice.</summary>
[ClayWorker]
public sealed class Counter
{
    private ulong _count;

    /// <summary>Adds one and returns the new count.</summary>
    public ulong Increment() => ++_count;

    /// <summary>The count.</summary>
    public ulong Get() => _count;

    /// <summary>Throws when asked to, after counting: a failed invocation still changes state.</summary>
    public ulong IncrementThenFail(bool fail)
    {
        _count++;
        if (fail) throw new InvalidOperationException($"failing at {_count}");
        return _count;
    }
}
