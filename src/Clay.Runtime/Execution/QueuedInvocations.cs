using System.Diagnostics.CodeAnalysis;

namespace Clay.Runtime.Execution;

/// <summary>
/// A worker's queued and running invocations by idempotency key; tells <see cref="BusyWorkers"/> when
/// the first arrives and the last is gone. Used under the worker's lock.
/// </summary>
internal sealed class QueuedInvocations(WorkerExecutor owner, BusyWorkers? busy)
{
    private readonly Dictionary<string, QueuedInvocation> _byKey = new(StringComparer.Ordinal);

    public int Count => _byKey.Count;

    public Dictionary<string, QueuedInvocation>.ValueCollection Values => _byKey.Values;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out QueuedInvocation queued) => _byKey.TryGetValue(key, out queued);

    public bool ContainsKey(string key) => _byKey.ContainsKey(key);

    public void Add(string key, QueuedInvocation queued)
    {
        _byKey.Add(key, queued);
        if (_byKey.Count == 1) busy?.Entered(owner);
    }

    public bool Remove(string key)
    {
        if (!_byKey.Remove(key)) return false;
        if (_byKey.Count == 0) busy?.Left(owner);
        return true;
    }

    public void Clear()
    {
        if (_byKey.Count == 0) return;
        _byKey.Clear();
        busy?.Left(owner);
    }
}
