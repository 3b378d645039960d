using Clay.Runtime;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using static Clay.Storage.Tests.Contract.StoreTestData;

namespace Clay.Storage.Tests.Contract;

/// <summary>Marks (status, pending work, wake-ups) and promise completions, as every store keeps them.</summary>
public abstract partial class OplogStoreContract
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private IPromiseStore Promises => (IPromiseStore)Store;

    [Fact]
    public async Task A_mark_is_stored_with_its_append_and_an_idle_one_removes_it()
    {
        var worker = Worker("marked");
        Assert.Null(await Store.GetMarkAsync(worker));

        await Store.AppendAsync(worker, 1, Entries(2), new WorkerMark(WorkerStatus.Suspended, WakeAt: Noon));
        Assert.Equal(new WorkerMark(WorkerStatus.Suspended, WakeAt: Noon), await Store.GetMarkAsync(worker));

        await Store.AppendAsync(worker, 3, Entries(1, first: 3));
        Assert.Equal(new WorkerMark(WorkerStatus.Suspended, WakeAt: Noon), await Store.GetMarkAsync(worker));

        await Store.AppendAsync(worker, 4, Entries(1, first: 4), new WorkerMark(WorkerStatus.Failed, LastError: "boom"));
        Assert.Equal(new WorkerMark(WorkerStatus.Failed, LastError: "boom"), await Store.GetMarkAsync(worker));

        await Store.AppendAsync(worker, 5, Entries(1, first: 5), WorkerMark.Idle);
        Assert.Null(await Store.GetMarkAsync(worker));
    }

    [Fact]
    public async Task A_refused_append_does_not_change_the_mark()
    {
        var worker = Worker("fenced-mark");
        await Store.AppendAsync(worker, 1, Entries(1), new WorkerMark(WorkerStatus.Running, HasPendingWork: true));

        await Assert.ThrowsAsync<OplogConflictException>(() =>
            Store.AppendAsync(worker, 5, Entries(1, first: 5), WorkerMark.Idle).AsTask());

        Assert.Equal(new WorkerMark(WorkerStatus.Running, HasPendingWork: true), await Store.GetMarkAsync(worker));
    }

    [Fact]
    public async Task Only_workers_with_pending_work_or_a_wake_up_are_listed_as_needing_attention()
    {
        await Store.AppendAsync(Worker("busy"), 1, Entries(1), new WorkerMark(WorkerStatus.Running, HasPendingWork: true));
        await Store.AppendAsync(Worker("sleeping"), 1, Entries(1), new WorkerMark(WorkerStatus.Suspended, WakeAt: Noon));
        await Store.AppendAsync(Worker("failed"), 1, Entries(1), new WorkerMark(WorkerStatus.Failed, LastError: "x"));
        await Store.AppendAsync(Worker("idle"), 1, Entries(1), WorkerMark.Idle);

        var marked = new List<MarkedWorker>();
        await foreach (var worker in Store.ListMarkedAsync()) marked.Add(worker);

        Assert.Equal(["busy", "sleeping"], marked.Select(m => m.Worker.Worker).Order(StringComparer.Ordinal));
        Assert.Equal(Noon, marked.Single(m => m.Worker.Worker == "sleeping").Mark.WakeAt);
    }

    [Fact]
    public async Task Wake_only_moves_a_wake_up_earlier()
    {
        var worker = Worker("waking");
        await Store.AppendAsync(worker, 1, Entries(1), new WorkerMark(WorkerStatus.Suspended, WakeAt: Noon));

        await Store.WakeAsync(worker, Noon.AddHours(1));
        Assert.Equal(Noon, (await Store.GetMarkAsync(worker))!.WakeAt);
        await Store.WakeAsync(worker, Noon.AddHours(-1));
        Assert.Equal(new WorkerMark(WorkerStatus.Suspended, WakeAt: Noon.AddHours(-1)), await Store.GetMarkAsync(worker));
    }

    [Fact]
    public async Task A_promise_is_completed_once_and_its_completion_wakes_the_worker()
    {
        var worker = Worker("promising");
        await Store.AppendAsync(worker, 1, Entries(3), new WorkerMark(WorkerStatus.Suspended));
        Assert.Null(await Promises.GetAsync(worker, 3));

        Assert.True(await Promises.CompleteAsync(worker, 3, new byte[] { 1, 2, 3 }, Noon));
        Assert.False(await Promises.CompleteAsync(worker, 3, new byte[] { 9 }, Noon.AddHours(-1)));

        Assert.Equal(new byte[] { 1, 2, 3 }, await Promises.GetAsync(worker, 3));
        Assert.Equal(new WorkerMark(WorkerStatus.Suspended, WakeAt: Noon), await Store.GetMarkAsync(worker));
        Assert.Null(await Promises.GetAsync(worker, 2));
    }

    [Fact]
    public async Task Of_racing_completions_of_one_promise_exactly_one_wins()
    {
        var worker = Worker("raced");
        await Store.AppendAsync(worker, 1, Entries(1));

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Promises.CompleteAsync(worker, 1, new[] { (byte)i }, Noon).AsTask()));

        Assert.Single(results, r => r);
        var winner = Array.IndexOf(results, true);
        Assert.Equal(new[] { (byte)winner }, await Promises.GetAsync(worker, 1));
    }

    [Fact]
    public async Task Deleting_a_worker_removes_its_mark_and_its_promises()
    {
        var worker = Worker("doomed");
        await Store.AppendAsync(worker, 1, Entries(1), new WorkerMark(WorkerStatus.Suspended, WakeAt: Noon));
        await Promises.CompleteAsync(worker, 1, new byte[] { 1 }, Noon);

        await Store.DeleteAsync(worker);
        await Store.AppendAsync(worker, 1, Entries(1));

        Assert.Null(await Store.GetMarkAsync(worker));
        Assert.Null(await Promises.GetAsync(worker, 1));
    }
}
