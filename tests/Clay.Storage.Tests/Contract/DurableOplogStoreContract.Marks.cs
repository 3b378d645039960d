using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using static Clay.Storage.Tests.Contract.StoreTestData;

namespace Clay.Storage.Tests.Contract;

/// <summary>Marks and promise completions survive reopening.</summary>
public abstract partial class DurableOplogStoreContract
{
    [Fact]
    public async Task Marks_and_promise_completions_survive_reopening()
    {
        var wakeAt = new DateTimeOffset(2026, 12, 24, 18, 30, 0, TimeSpan.Zero).AddTicks(1230);
        await Store.AppendAsync(Worker("sleeper"), 1, Entries(2), new WorkerMark(WorkerStatus.Suspended, WakeAt: wakeAt));
        await Store.AppendAsync(Worker("broken"), 1, Entries(1), new WorkerMark(WorkerStatus.Failed, LastError: "it broke"));
        await Store.AppendAsync(Worker("waiting"), 1, Entries(1), new WorkerMark(WorkerStatus.Suspended));
        await ((IPromiseStore)Store).CompleteAsync(Worker("waiting"), 1, new byte[] { 42 }, wakeAt);

        await ReopenAsync();

        Assert.Equal(new WorkerMark(WorkerStatus.Suspended, WakeAt: wakeAt), await Store.GetMarkAsync(Worker("sleeper")));
        Assert.Equal(new WorkerMark(WorkerStatus.Failed, LastError: "it broke"), await Store.GetMarkAsync(Worker("broken")));
        Assert.Equal(new byte[] { 42 }, await ((IPromiseStore)Store).GetAsync(Worker("waiting"), 1));
        Assert.Equal(wakeAt, (await Store.GetMarkAsync(Worker("waiting")))!.WakeAt);
    }
}
