using System.Runtime.CompilerServices;
using Clay.Runtime;
using Clay.Runtime.Storage;

namespace Clay.Server.Tests.Health;

/// <summary>
/// A store over a real one that a test controls: its writes can fail the way a full or read-only disk
/// makes them fail (reads still work), and appends and listing the marked workers can be held until released.
/// </summary>
internal sealed class ControlledOplogStore(IOplogStore inner) : IOplogStore
{
    /// <summary>Appends and deletes fail with "No space left on device" while true.</summary>
    public bool Failing { get; set; }

    /// <summary>Listing the marked workers waits for this.</summary>
    public TaskCompletionSource ListingGate { get; set; } = Open();

    /// <summary>Completes when a listing of the marked workers has begun.</summary>
    public TaskCompletionSource ListingStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource Open()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    /// <summary>Appends wait for this before they go to the real store (one at a time: their order is not kept).</summary>
    public TaskCompletionSource AppendGate { get; set; } = Open();

    public ValueTask AppendAsync(WorkerId worker, long firstIndex, IReadOnlyList<ReadOnlyMemory<byte>> entries, WorkerMark? mark = null,
        CancellationToken cancellationToken = default) =>
        Failing ? ValueTask.FromException(new IOException("No space left on device"))
        : AppendGate.Task.IsCompleted ? inner.AppendAsync(worker, firstIndex, entries, mark, cancellationToken)
        : AppendLaterAsync(worker, firstIndex, entries, mark, cancellationToken);

    private async ValueTask AppendLaterAsync(WorkerId worker, long firstIndex, IReadOnlyList<ReadOnlyMemory<byte>> entries, WorkerMark? mark,
        CancellationToken cancellationToken)
    {
        await AppendGate.Task.WaitAsync(cancellationToken);
        await inner.AppendAsync(worker, firstIndex, entries, mark, cancellationToken);
    }

    public ValueTask<WorkerMark?> GetMarkAsync(WorkerId worker, CancellationToken cancellationToken = default) => inner.GetMarkAsync(worker, cancellationToken);

    public async IAsyncEnumerable<MarkedWorker> ListMarkedAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ListingStarted.TrySetResult();
        await ListingGate.Task.WaitAsync(cancellationToken);
        await foreach (var marked in inner.ListMarkedAsync(cancellationToken)) yield return marked;
    }

    public ValueTask WakeAsync(WorkerId worker, DateTimeOffset wakeAt, CancellationToken cancellationToken = default) =>
        inner.WakeAsync(worker, wakeAt, cancellationToken);

    public IAsyncEnumerable<StoredEntry> ReadAsync(WorkerId worker, long fromIndex, long toIndex = long.MaxValue, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(worker, fromIndex, toIndex, cancellationToken);

    public ValueTask<long> GetLastIndexAsync(WorkerId worker, CancellationToken cancellationToken = default) => inner.GetLastIndexAsync(worker, cancellationToken);

    public ValueTask DeleteAsync(WorkerId worker, CancellationToken cancellationToken = default) =>
        Failing ? ValueTask.FromException(new IOException("No space left on device")) : inner.DeleteAsync(worker, cancellationToken);

    public ValueTask TruncateAsync(WorkerId worker, long fromIndex, CancellationToken cancellationToken = default) => inner.TruncateAsync(worker, fromIndex, cancellationToken);

    public IAsyncEnumerable<WorkerId> ListWorkersAsync(string? component = null, string? after = null, CancellationToken cancellationToken = default) =>
        inner.ListWorkersAsync(component, after, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
