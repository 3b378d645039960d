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
        Assert.All(found.Workers, w => Assert.Equal(Clay.Runtime.Execution.WorkerStatus.Idle, w.Status));
    }
}
