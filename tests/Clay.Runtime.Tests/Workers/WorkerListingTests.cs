using Clay.Runtime.Execution;
using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;
using Clay.Runtime.Residency;
using Clay.Runtime.Tests.Execution;
using Clay.Runtime.Workers;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Workers;

public sealed class WorkerListingTests
{
    private static readonly string Component = ExecutorFixture.ComponentName(typeof(Counter));

    [Fact]
    public async Task Pages_seek_to_their_cursor_and_a_name_search_reads_only_the_workers_it_finds()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter));
        var (inner, executor) = await fixture.StartAsync();
        var names = Enumerable.Range(0, 120).Select(i => $"cart-{i:D3}").ToList();
        foreach (var name in names) await executor.InvokeAsync(new WorkerId(Component, name), "increment", []);
        await fixture.StopAsync(inner, executor);
        var store = new CountingOplogStore(await fixture.OpenStoreAsync());
        var nobodyResident = new ResidentWorkers();

        var pages = new List<WorkerPage>();
        string? cursor = null;
        do
        {
            var (read, listed) = (store.EntriesRead, store.WorkersListed);
            var page = await WorkerListing.ListAsync(store, nobodyResident, Component, [], 50, cursor, null, CancellationToken.None);
            // Each page starts at its cursor: it lists and reads its own workers (and one more, to learn
            // that a next page exists), none of the pages before.
            Assert.InRange(store.WorkersListed - listed, page.Workers.Count, page.Workers.Count + 1);
            Assert.InRange(store.EntriesRead - read, page.Workers.Count, page.Workers.Count + 1);
            pages.Add(page);
            cursor = page.Cursor;
        }
        while (cursor is not null);

        Assert.Equal(names, pages.SelectMany(p => p.Workers).Select(w => w.Id.Worker));
        Assert.Equal(["cart-049", "cart-099", null], pages.Select(p => p.Cursor));

        var before = store.EntriesRead;
        var found = await WorkerListing.ListAsync(store, nobodyResident, Component, ["name like 7", "name < cart-100"], 50, null, null, CancellationToken.None);
        Assert.Equal(names.Where(n => n.Contains('7', StringComparison.Ordinal) && string.CompareOrdinal(n, "cart-100") < 0), found.Workers.Select(w => w.Id.Worker));
        Assert.Equal(found.Workers.Count, store.EntriesRead - before);
        Assert.All(found.Workers, w => Assert.Equal(WorkerStatus.Idle, w.Status));
    }

    [Fact]
    public async Task A_filter_on_a_status_other_than_idle_reads_only_the_marked_and_resident_workers()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter));
        var (inner, executor) = await fixture.StartAsync();
        var names = Enumerable.Range(0, 200).Select(i => $"cart-{i:D3}").ToList();
        foreach (var name in names) await executor.InvokeAsync(new WorkerId(Component, name), "increment", []);
        await fixture.StopAsync(inner, executor);
        var store = new CountingOplogStore(await fixture.OpenStoreAsync());
        // Three workers are interrupted (an entry and its mark, as an interrupt writes them).
        var interrupted = new[] { "cart-017", "cart-120", "cart-199" };
        foreach (var name in interrupted)
        {
            var id = new WorkerId(Component, name);
            var next = await store.GetLastIndexAsync(id) + 1;
            await store.AppendAsync(id, next, [OplogCodec.Encode(new OplogEntry.Interrupted(DateTimeOffset.UtcNow))],
                new WorkerMark(WorkerStatus.Interrupted));
        }
        var nobodyResident = new ResidentWorkers();

        var (read, listed) = (store.EntriesRead, store.WorkersListed);
        var first = await WorkerListing.ListAsync(store, nobodyResident, Component, ["status == interrupted"], 2, null, null, CancellationToken.None);
        var rest = await WorkerListing.ListAsync(store, nobodyResident, Component, ["status == Interrupted"], 2, first.Cursor, null, CancellationToken.None);

        Assert.Equal(interrupted, first.Workers.Concat(rest.Workers).Select(w => w.Id.Worker));
        Assert.All(first.Workers.Concat(rest.Workers), w => Assert.Equal(WorkerStatus.Interrupted, w.Status));
        Assert.Equal("cart-120", first.Cursor);
        Assert.Null(rest.Cursor);
        // The 197 idle workers were neither listed nor read: only the marked ones' create entries were
        // (cart-199's twice: the first page reads one more to learn that a next page exists).
        Assert.Equal(0, store.WorkersListed - listed);
        Assert.Equal(interrupted.Length + 1, store.EntriesRead - read);

        // "Not idle" finds the same; "idle" still walks every worker and leaves the three out.
        var notIdle = await WorkerListing.ListAsync(store, nobodyResident, Component, ["status != idle"], 50, null, null, CancellationToken.None);
        Assert.Equal(interrupted, notIdle.Workers.Select(w => w.Id.Worker));
        var idle = await WorkerListing.ListAsync(store, nobodyResident, Component, ["status == Idle"], 500, null, null, CancellationToken.None);
        Assert.Equal(names.Except(interrupted), idle.Workers.Select(w => w.Id.Worker));
    }
}
