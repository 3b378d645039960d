using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Clay.Runtime.Storage;

/// <summary>
/// An <see cref="IOplogStore"/> in memory: nothing survives the process. For tests and for
/// embedding Clay where durability is not wanted; fencing behaves as in the durable stores.
/// </summary>
public sealed class InMemoryOplogStore : IOplogStore, IPromiseStore
{
    private readonly ConcurrentDictionary<WorkerId, List<byte[]>> _logs = new();
    private readonly ConcurrentDictionary<WorkerId, WorkerMark> _marks = new();
    private readonly ConcurrentDictionary<(WorkerId, long), byte[]> _promises = new();

    /// <inheritdoc/>
    public ValueTask AppendAsync(WorkerId worker, long firstIndex, IReadOnlyList<ReadOnlyMemory<byte>> entries, WorkerMark? mark = null,
        CancellationToken cancellationToken = default)
    {
        if (entries.Count == 0 && !_logs.ContainsKey(worker))
        {
            // A mark alone is for a worker that has an oplog; none is created for it.
            if (firstIndex != 1) throw new OplogConflictException(worker, firstIndex, 0);
            return ValueTask.CompletedTask;
        }
        var log = _logs.GetOrAdd(worker, _ => []);
        lock (log)
        {
            if (firstIndex != log.Count + 1) throw new OplogConflictException(worker, firstIndex, log.Count);
            foreach (var entry in entries) log.Add(entry.ToArray());
            if (mark is { IsIdle: true }) _marks.TryRemove(worker, out _);
            else if (mark is not null) _marks[worker] = mark;
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<WorkerMark?> GetMarkAsync(WorkerId worker, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_marks.TryGetValue(worker, out var mark) ? mark : null);

    /// <inheritdoc/>
    public async IAsyncEnumerable<MarkedWorker> ListMarkedAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        foreach (var (worker, mark) in _marks)
        {
            if (mark.HasPendingWork || mark.WakeAt is not null) yield return new MarkedWorker(worker, mark);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<MarkedWorker> ListMarkedWorkersAsync(string component, string? after = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        var marked = _marks
            .Where(m => m.Key.Component == component && m.Value.ShowsNotIdle && (after is null || string.CompareOrdinal(m.Key.Worker, after) > 0))
            .OrderBy(m => m.Key.Worker, StringComparer.Ordinal)
            .Select(m => new MarkedWorker(m.Key, m.Value))
            .ToList();
        foreach (var worker in marked) yield return worker;
    }

    /// <inheritdoc/>
    public ValueTask WakeAsync(WorkerId worker, DateTimeOffset wakeAt, CancellationToken cancellationToken = default)
    {
        var log = _logs.GetOrAdd(worker, _ => []);
        lock (log) Wake(worker, wakeAt);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> CompleteAsync(WorkerId worker, long promise, ReadOnlyMemory<byte> value, DateTimeOffset wakeAt,
        CancellationToken cancellationToken = default)
    {
        var log = _logs.GetOrAdd(worker, _ => []);
        lock (log)
        {
            if (!_promises.TryAdd((worker, promise), value.ToArray())) return ValueTask.FromResult(false);
            Wake(worker, wakeAt);
        }
        return ValueTask.FromResult(true);
    }

    /// <inheritdoc/>
    public ValueTask<byte[]?> GetAsync(WorkerId worker, long promise, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_promises.TryGetValue((worker, promise), out var value) ? value : null);

    private void Wake(WorkerId worker, DateTimeOffset wakeAt)
    {
        var mark = _marks.TryGetValue(worker, out var current) ? current : WorkerMark.Idle;
        if (mark.WakeAt is { } earlier && earlier <= wakeAt) return;
        _marks[worker] = mark with { WakeAt = wakeAt };
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<StoredEntry> ReadAsync(WorkerId worker, long fromIndex, long toIndex = long.MaxValue,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        if (!_logs.TryGetValue(worker, out var log)) yield break;
        byte[][] copy;
        lock (log) copy = [.. log];
        for (var i = Math.Max(1, fromIndex); i <= Math.Min(toIndex, copy.Length); i++)
        {
            yield return new StoredEntry(i, copy[i - 1]);
        }
    }

    /// <inheritdoc/>
    public ValueTask<long> GetLastIndexAsync(WorkerId worker, CancellationToken cancellationToken = default)
    {
        if (!_logs.TryGetValue(worker, out var log)) return ValueTask.FromResult(0L);
        lock (log) return ValueTask.FromResult((long)log.Count);
    }

    /// <inheritdoc/>
    public ValueTask DeleteAsync(WorkerId worker, CancellationToken cancellationToken = default)
    {
        _logs.TryRemove(worker, out _);
        _marks.TryRemove(worker, out _);
        foreach (var key in _promises.Keys.Where(k => k.Item1 == worker).ToList()) _promises.TryRemove(key, out _);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask TruncateAsync(WorkerId worker, long fromIndex, CancellationToken cancellationToken = default)
    {
        if (_logs.TryGetValue(worker, out var log))
        {
            lock (log)
            {
                var keep = (int)Math.Clamp(fromIndex - 1, 0, log.Count);
                log.RemoveRange(keep, log.Count - keep);
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<WorkerId> ListWorkersAsync(string? component = null, string? after = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        StoreArguments.ThrowIfAfterWithoutComponent(component, after);
        // A refused or empty append leaves an empty log behind: only workers with entries have an oplog.
        foreach (var id in _logs.Where(p => HasEntries(p.Value)).Select(p => p.Key).Where(k => component is null || k.Component == component)
                     .Where(k => after is null || string.CompareOrdinal(k.Worker, after) > 0)
                     .OrderBy(k => k.Component, StringComparer.Ordinal).ThenBy(k => k.Worker, StringComparer.Ordinal))
        {
            yield return id;
        }
    }

    private static bool HasEntries(List<byte[]> log)
    {
        lock (log) return log.Count > 0;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
