using System.Runtime.CompilerServices;
using Clay.Runtime.Storage;

namespace Clay.Runtime.Tests.Execution;

/// <summary>
/// Passes everything to a real store and counts the entries read from it and the workers it listed;
/// an append can be held (and failed) by <see cref="BeforeAppend"/>.
/// </summary>
public sealed class CountingOplogStore(IOplogStore inner) : IOplogStore
{
    private long _entriesRead;
    private long _workersListed;
    private long _lastIndexReads;

    /// <summary>Workers returned by <see cref="ListWorkersAsync"/> so far.</summary>
    public long WorkersListed => Interlocked.Read(ref _workersListed);

    /// <summary>Calls of <see cref="GetLastIndexAsync"/> so far.</summary>
    public long LastIndexReads => Interlocked.Read(ref _lastIndexReads);

    private long _reads;

    /// <summary>Calls of <see cref="ReadAsync"/> so far (each a round trip to the server from a component host).</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>The ranges <see cref="ReadAsync"/> was asked for, in order.</summary>
    public List<(long From, long To)> ReadRanges { get; } = [];

    /// <summary>Entries returned by <see cref="ReadAsync"/> so far.</summary>
    public long EntriesRead => Interlocked.Read(ref _entriesRead);

    /// <summary>Awaited with the entries before each append reaches the real store; what it throws, the append throws.</summary>
    public Func<IReadOnlyList<ReadOnlyMemory<byte>>, Task>? BeforeAppend { get; set; }

    public async ValueTask AppendAsync(WorkerId worker, long firstIndex, IReadOnlyList<ReadOnlyMemory<byte>> entries, WorkerMark? mark = null,
        CancellationToken cancellationToken = default)
    {
        if (BeforeAppend is { } before) await before(entries);
        await inner.AppendAsync(worker, firstIndex, entries, mark, cancellationToken);
    }

    public ValueTask<WorkerMark?> GetMarkAsync(WorkerId worker, CancellationToken cancellationToken = default) => inner.GetMarkAsync(worker, cancellationToken);

    public IAsyncEnumerable<MarkedWorker> ListMarkedAsync(CancellationToken cancellationToken = default) => inner.ListMarkedAsync(cancellationToken);

    public IAsyncEnumerable<MarkedWorker> ListMarkedWorkersAsync(string component, string? after = null, CancellationToken cancellationToken = default) =>
        inner.ListMarkedWorkersAsync(component, after, cancellationToken);

    public ValueTask WakeAsync(WorkerId worker, DateTimeOffset wakeAt, CancellationToken cancellationToken = default) =>
        inner.WakeAsync(worker, wakeAt, cancellationToken);

    public async IAsyncEnumerable<StoredEntry> ReadAsync(WorkerId worker, long fromIndex, long toIndex = long.MaxValue,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        lock (ReadRanges) ReadRanges.Add((fromIndex, toIndex));
        await foreach (var entry in inner.ReadAsync(worker, fromIndex, toIndex, cancellationToken))
        {
            Interlocked.Increment(ref _entriesRead);
            yield return entry;
        }
    }

    public ValueTask<long> GetLastIndexAsync(WorkerId worker, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _lastIndexReads);
        return inner.GetLastIndexAsync(worker, cancellationToken);
    }

    public ValueTask DeleteAsync(WorkerId worker, CancellationToken cancellationToken = default) => inner.DeleteAsync(worker, cancellationToken);

    public ValueTask TruncateAsync(WorkerId worker, long fromIndex, CancellationToken cancellationToken = default) =>
        inner.TruncateAsync(worker, fromIndex, cancellationToken);

    public async IAsyncEnumerable<WorkerId> ListWorkersAsync(string? component = null, string? after = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var worker in inner.ListWorkersAsync(component, after, cancellationToken))
        {
            Interlocked.Increment(ref _workersListed);
            yield return worker;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
