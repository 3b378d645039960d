using Clay.Runtime.Execution;
using Clay.Runtime.Storage;

namespace Clay.Runtime.Tests.Execution;

/// <summary>When the oplog writer stores the worker's mark.</summary>
public sealed class OplogWriterMarkTests
{
    private static readonly WorkerId Worker = new("test:marks", "waiting");

    [Fact]
    public async Task A_changed_mark_goes_with_the_next_entries_or_alone_when_asked_to()
    {
        await using var store = new InMemoryOplogStore();
        var current = WorkerMark.Idle;
        var writer = new OplogWriter(Worker, store, 0, TimeProvider.System) { Marks = () => current };
        writer.AppendEncoded([1]);
        current = new WorkerMark(WorkerStatus.Running, HasPendingWork: true);
        await writer.FlushAsync();
        Assert.Equal(current, await store.GetMarkAsync(Worker));

        // Nothing to record: a plain flush leaves the stored mark as it was.
        current = new WorkerMark(WorkerStatus.Suspended);
        await writer.FlushAsync();
        Assert.Equal(new WorkerMark(WorkerStatus.Running, HasPendingWork: true), await store.GetMarkAsync(Worker));

        await writer.FlushWithMarkAsync();
        Assert.Equal(new WorkerMark(WorkerStatus.Suspended), await store.GetMarkAsync(Worker));
        Assert.Equal(1, await store.GetLastIndexAsync(Worker));
        Assert.Equal(1, writer.DurableIndex);
        Assert.Equal(current, writer.StoredMark);
    }
}
