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
    public async Task A_mark_that_only_names_the_version_an_update_moved_the_worker_to_is_kept_but_never_listed_as_more_than_idle()
    {
        var moved = new WorkerId("test:versions", "moved");
        var failed = new WorkerId("test:versions", "failed");
        await Store.AppendAsync(moved, 1, Entries(2), new WorkerMark(WorkerStatus.Idle, ComponentVersion: 3));
        await Store.AppendAsync(failed, 1, Entries(1), new WorkerMark(WorkerStatus.Failed, LastError: "x", ComponentVersion: 2));
        Assert.Equal(new WorkerMark(WorkerStatus.Idle, ComponentVersion: 3), await Store.GetMarkAsync(moved));
        Assert.Equal(new WorkerMark(WorkerStatus.Failed, LastError: "x", ComponentVersion: 2), await Store.GetMarkAsync(failed));

        // A wake-up keeps the version; a mark without it (a revert past the update) removes it.
        await Store.WakeAsync(moved, Noon);
        Assert.Equal(new WorkerMark(WorkerStatus.Idle, WakeAt: Noon, ComponentVersion: 3), await Store.GetMarkAsync(moved));
        await Store.AppendAsync(moved, 3, Entries(1, first: 3), new WorkerMark(WorkerStatus.Idle, ComponentVersion: 3));

        var listed = new List<string>();
        await foreach (var worker in Store.ListMarkedWorkersAsync("test:versions")) listed.Add(worker.Worker.Worker);
        Assert.Equal(["failed"], listed);
        await foreach (var worker in Store.ListMarkedAsync()) Assert.NotEqual(moved, worker.Worker);

        await Store.AppendAsync(moved, 4, Entries(1, first: 4), WorkerMark.Idle);
        Assert.Null(await Store.GetMarkAsync(moved));
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
    public async Task The_marked_workers_of_a_component_are_listed_in_name_order_after_a_name_in_pages()
    {
        var mine = Enumerable.Range(0, 600).Select(i => new WorkerId("test:marked", $"w-{i:D3}")).ToList();
        var other = new WorkerId("test:other", "w-001");
        var failed = mine.Where((_, i) => i % 3 == 0).ToList();
        await Task.WhenAll(mine.Select(w => Store.AppendAsync(w, 1, Entries(1),
            failed.Contains(w) ? new WorkerMark(WorkerStatus.Failed, LastError: "x") : WorkerMark.Idle).AsTask()));
        var sleeping = mine[598];
        await Store.AppendAsync(sleeping, 2, Entries(1, first: 2), new WorkerMark(WorkerStatus.Suspended, WakeAt: Noon));
        var interrupted = mine[3];
        await Store.AppendAsync(interrupted, 2, Entries(1, first: 2), new WorkerMark(WorkerStatus.Interrupted));
        await Store.AppendAsync(other, 1, Entries(1), new WorkerMark(WorkerStatus.Failed, LastError: "y"));

        var listed = new List<MarkedWorker>();
        await foreach (var worker in Store.ListMarkedWorkersAsync("test:marked")) listed.Add(worker);

        // Every third worker failed, plus w-598 asleep; w-003 was failed and is now interrupted. More than a store's page.
        var expected = failed.Append(sleeping).Select(w => w.Worker).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, listed.Select(m => m.Worker.Worker));
        Assert.All(listed, m => Assert.Equal("test:marked", m.Worker.Component));
        Assert.Equal(new WorkerMark(WorkerStatus.Suspended, WakeAt: Noon), listed.Single(m => m.Worker == sleeping).Mark);
        Assert.Equal(new WorkerMark(WorkerStatus.Interrupted), listed.Single(m => m.Worker == interrupted).Mark);
        Assert.Equal(new WorkerMark(WorkerStatus.Failed, LastError: "x"), listed.Single(m => m.Worker == mine[0]).Mark);

        var after = new List<string>();
        await foreach (var worker in Store.ListMarkedWorkersAsync("test:marked", "w-590")) after.Add(worker.Worker.Worker);
        Assert.Equal(["w-591", "w-594", "w-597", "w-598"], after);
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
