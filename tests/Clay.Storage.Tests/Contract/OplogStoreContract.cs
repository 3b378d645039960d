using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Storage;
using static Clay.Storage.Tests.Contract.StoreTestData;

namespace Clay.Storage.Tests.Contract;

/// <summary>
/// What every <see cref="IOplogStore"/> promises, run against each store by a subclass that supplies
/// its fixture. Durability, checksums and group commit are in <see cref="DurableOplogStoreContract"/>.
/// </summary>
public abstract partial class OplogStoreContract : IAsyncLifetime
{
    private IOplogStore? _store;

    /// <summary>The store under test, opened before each test.</summary>
    protected IOplogStore Store => _store ?? throw new InvalidOperationException("the store is not open");

    protected abstract IStoreFixture Fixture { get; }

    public virtual async Task InitializeAsync() => _store = await Fixture.OpenAsync();

    public virtual async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        await Fixture.DisposeAsync();
    }

    /// <summary>Closes the store and opens it again on the same data.</summary>
    protected async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        _store = null;
        _store = await Fixture.OpenAsync();
    }

    /// <summary>Closes the store, runs <paramref name="action"/> on its data, and opens it again.</summary>
    protected async Task WhileClosedAsync(Func<Task> action)
    {
        await Store.DisposeAsync();
        _store = null;
        await action();
        _store = await Fixture.OpenAsync();
    }

    [Fact]
    public async Task Appended_entries_are_read_back_in_order_and_by_range()
    {
        var worker = Worker("a");
        await Store.AppendAsync(worker, 1, Entries(3));
        await Store.AppendAsync(worker, 4, Entries(2, first: 4));

        Assert.Equal(5, await Store.GetLastIndexAsync(worker));
        Assert.Equal(["1:e1", "2:e2", "3:e3", "4:e4", "5:e5"], await ReadAllAsync(Store, worker));
        Assert.Equal(["2:e2", "3:e3"], await ReadAllAsync(Store, worker, 2, 3));
        Assert.Equal(["5:e5"], await ReadAllAsync(Store, worker, 5, 99));
        Assert.Empty(await ReadAllAsync(Store, worker, 6));
        Assert.Empty(await ReadAllAsync(Store, worker, 4, 3));
    }

    [Fact]
    public async Task A_worker_without_an_oplog_has_last_index_zero_and_no_entries()
    {
        Assert.Equal(0, await Store.GetLastIndexAsync(Worker("nobody")));
        Assert.Empty(await ReadAllAsync(Store, Worker("nobody")));
        Assert.Empty(await ListAsync(Store));
    }

    [Fact]
    public async Task An_append_at_the_wrong_index_is_a_conflict_and_writes_nothing()
    {
        var worker = Worker("fenced");
        await Store.AppendAsync(worker, 1, Entries(2));

        var stale = await Assert.ThrowsAsync<OplogConflictException>(() => Store.AppendAsync(worker, 2, Entries(1, tag: "stale")).AsTask());
        var ahead = await Assert.ThrowsAsync<OplogConflictException>(() => Store.AppendAsync(worker, 5, Entries(1, tag: "ahead")).AsTask());
        var fresh = await Assert.ThrowsAsync<OplogConflictException>(() => Store.AppendAsync(Worker("fresh"), 2, Entries(1)).AsTask());

        Assert.Equal("oplog-conflict", stale.Code);
        Assert.Equal((worker, 2L, 2L), (stale.Worker, stale.ExpectedIndex, stale.LastIndex));
        Assert.Contains("append at index 2 but the last durable index is 2", stale.Message);
        Assert.Equal((5L, 2L), (ahead.ExpectedIndex, ahead.LastIndex));
        Assert.Equal(0, fresh.LastIndex);
        Assert.Equal(["1:e1", "2:e2"], await ReadAllAsync(Store, worker));
        Assert.Equal(0, await Store.GetLastIndexAsync(Worker("fresh")));
        Assert.Equal([worker], await ListAsync(Store));
    }

    [Fact]
    public async Task Racing_writers_of_one_worker_never_fork_its_history()
    {
        var worker = Worker("raced");
        // 8 writers each try to append indexes 1..40 in turn, each entry naming its writer: exactly
        // one wins each index, and what is stored at an index is what its winner wrote.
        const int writers = 8, indexes = 40;
        var won = new List<string>[writers];
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            won[w] = [];
            for (var i = 1; i <= indexes; i++)
            {
                try
                {
                    await Store.AppendAsync(worker, i, Entries(1, first: i, tag: $"w{w}-"));
                    won[w].Add($"{i}:w{w}-{i}");
                }
                catch (OplogConflictException)
                {
                }
            }
        })));

        var stored = await ReadAllAsync(Store, worker);
        Assert.Equal(indexes, stored.Count);
        Assert.Equal(stored.Order(StringComparer.Ordinal), won.SelectMany(w => w).Order(StringComparer.Ordinal));
        Assert.Equal(indexes, await Store.GetLastIndexAsync(worker));
    }

    [Fact]
    public async Task Appends_queued_without_waiting_for_the_previous_one_are_applied_in_order()
    {
        // A new worker (its row is created by the first append) and one with an oplog already.
        var fresh = Worker("fresh");
        var existing = Worker("existing");
        await Store.AppendAsync(existing, 1, Entries(1));
        var appends = new List<Task>();
        for (var i = 1; i <= 40; i++)
        {
            appends.Add(Store.AppendAsync(fresh, i, Entries(1, first: i)).AsTask());
            appends.Add(Store.AppendAsync(existing, i + 1, Entries(1, first: i + 1)).AsTask());
            // Let the writer take some of them, so they spread over several commits.
            if (i % 4 == 0) await Task.Yield();
        }

        await Task.WhenAll(appends);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => $"{i}:e{i}"), await ReadAllAsync(Store, fresh));
        Assert.Equal(41, await Store.GetLastIndexAsync(existing));
    }

    [Fact]
    public async Task Concurrent_appends_of_many_workers_all_land()
    {
        const int workers = 100, appends = 10;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var i = 1; i <= appends; i++) await Store.AppendAsync(Worker($"w{w:D3}"), i, Entries(1, first: i, tag: $"w{w}-"));
        })));

        var listed = await ListAsync(Store, "test:store");
        Assert.Equal(Enumerable.Range(0, workers).Select(w => Worker($"w{w:D3}")), listed);
        foreach (var id in listed) Assert.Equal(appends, await Store.GetLastIndexAsync(id));
        Assert.Equal(Enumerable.Range(1, appends).Select(i => $"{i}:w42-{i}"), await ReadAllAsync(Store, Worker("w042")));
    }

    [Fact]
    public async Task Workers_are_listed_by_component_then_name_in_ordinal_order()
    {
        // Ordinal: upper case before lower case, accents after ASCII, "a10" before "a9".
        WorkerId[] expected =
        [
            new("B:comp", "x"), new("a:comp", "Zed"), new("a:comp", "a10"), new("a:comp", "a9"), new("a:comp", "b"), new("a:comp", "é"),
            new("b:comp", "only"),
        ];
        foreach (var id in Enumerable.Reverse(expected)) await Store.AppendAsync(id, 1, Entries(1));
        await Store.AppendAsync(new WorkerId("a:comp", "deleted"), 1, Entries(1));
        await Store.DeleteAsync(new WorkerId("a:comp", "deleted"));

        Assert.Equal(expected, await ListAsync(Store));
        Assert.Equal(expected.Where(w => w.Component == "a:comp"), await ListAsync(Store, "a:comp"));
        Assert.Empty(await ListAsync(Store, "A:comp"));
    }

    [Fact]
    public async Task Listing_goes_past_a_thousand_workers()
    {
        var ids = Enumerable.Range(0, 2_345).Select(i => new WorkerId("many:comp", $"w{i:D5}")).ToList();
        await Task.WhenAll(ids.Select(id => Store.AppendAsync(id, 1, Entries(1)).AsTask()));
        await Store.AppendAsync(new WorkerId("other:comp", "w"), 1, Entries(1));

        Assert.Equal(ids, await ListAsync(Store, "many:comp"));
        Assert.Equal(ids.Count + 1, (await ListAsync(Store)).Count);
    }

    [Fact]
    public async Task A_listing_after_a_name_starts_at_the_next_worker_of_that_component_only()
    {
        var ids = Enumerable.Range(0, 1_500).Select(i => new WorkerId("many:comp", $"w{i:D5}")).ToList();
        await Task.WhenAll(ids.Select(id => Store.AppendAsync(id, 1, Entries(1)).AsTask()));
        await Store.AppendAsync(new WorkerId("many:comq", "a"), 1, Entries(1));

        Assert.Equal(ids[1_201..], await ListAsync(Store, "many:comp", after: "w01200"));
        // A name that is not a worker's: the listing starts at the next name in ordinal order.
        Assert.Equal(ids[1_000..], await ListAsync(Store, "many:comp", after: "w00999x"));
        Assert.Empty(await ListAsync(Store, "many:comp", after: "w01499"));
        Assert.Equal(ids, await ListAsync(Store, "many:comp", after: ""));
        await Assert.ThrowsAsync<ArgumentException>(() => ListAsync(Store, null, after: "w1"));
    }

    [Fact]
    public async Task Delete_removes_the_oplog_and_the_worker_starts_again_from_index_one()
    {
        var gone = Worker("gone");
        var kept = Worker("kept");
        await Store.AppendAsync(gone, 1, Entries(5));
        await Store.AppendAsync(kept, 1, Entries(2));

        await Store.DeleteAsync(gone);
        await Store.DeleteAsync(Worker("never-existed"));

        Assert.Equal(0, await Store.GetLastIndexAsync(gone));
        Assert.Empty(await ReadAllAsync(Store, gone));
        Assert.Equal([kept], await ListAsync(Store));
        await Assert.ThrowsAsync<OplogConflictException>(() => Store.AppendAsync(gone, 6, Entries(1)).AsTask());
        await Store.AppendAsync(gone, 1, Entries(1, tag: "again"));
        Assert.Equal(["1:again1"], await ReadAllAsync(Store, gone));
        Assert.Equal(["1:e1", "2:e2"], await ReadAllAsync(Store, kept));
    }

    [Fact]
    public async Task Truncate_drops_the_tail_and_appends_continue_from_the_cut()
    {
        var worker = Worker("cut");
        await Store.AppendAsync(worker, 1, Entries(5));

        await Store.TruncateAsync(worker, 4);
        await Store.TruncateAsync(worker, 10);

        Assert.Equal(3, await Store.GetLastIndexAsync(worker));
        Assert.Equal(["1:e1", "2:e2", "3:e3"], await ReadAllAsync(Store, worker));
        await Assert.ThrowsAsync<OplogConflictException>(() => Store.AppendAsync(worker, 6, Entries(1)).AsTask());
        await Store.AppendAsync(worker, 4, Entries(1, first: 4, tag: "new"));
        Assert.Equal(["1:e1", "2:e2", "3:e3", "4:new4"], await ReadAllAsync(Store, worker));
    }

    [Fact]
    public async Task A_worker_truncated_to_nothing_has_no_oplog_is_neither_listed_nor_counted_and_starts_again_from_index_one()
    {
        var emptied = Worker("emptied");
        var other = Worker("other");
        await Store.AppendAsync(emptied, 1, Entries(3));
        await Store.AppendAsync(other, 1, Entries(1));

        await Store.TruncateAsync(emptied, 1);

        Assert.Equal(0, await Store.GetLastIndexAsync(emptied));
        Assert.Equal([other], await ListAsync(Store));
        Assert.Equal(1, (await Store.CountWorkersAsync())[other.Component]);
        await Store.AppendAsync(emptied, 1, Entries(1, tag: "again"));
        Assert.Equal(["1:again1"], await ReadAllAsync(Store, emptied));
        Assert.Equal(2, (await Store.CountWorkersAsync())[other.Component]);
    }

    [Fact]
    public async Task Large_entries_and_large_appends_round_trip_byte_for_byte()
    {
        var worker = Worker("large");
        var big = new byte[4 << 20];
        new Random(12).NextBytes(big);
        var many = Enumerable.Range(0, 3_000).Select(i => (ReadOnlyMemory<byte>)BitConverter.GetBytes(i)).ToArray();
        // A slice of a larger array, as an encoder's pooled buffer would hand it over.
        var slice = new ReadOnlyMemory<byte>(big, 100, 1_000);

        await Store.AppendAsync(worker, 1, [big]);
        await Store.AppendAsync(worker, 2, many);
        await Store.AppendAsync(worker, 3_002, [slice, ReadOnlyMemory<byte>.Empty]);

        var read = new List<StoredEntry>();
        await foreach (var entry in Store.ReadAsync(worker, 1)) read.Add(entry);
        Assert.Equal(3_003, read.Count);
        Assert.Equal(Enumerable.Range(1, 3_003).Select(i => (long)i), read.Select(e => e.Index));
        Assert.True(read[0].Payload.Span.SequenceEqual(big));
        Assert.All(Enumerable.Range(0, 3_000), i => Assert.Equal(i, BitConverter.ToInt32(read[i + 1].Payload.Span)));
        Assert.True(read[3_001].Payload.Span.SequenceEqual(slice.Span));
        Assert.Equal(0, read[3_002].Payload.Length);
    }

    [Fact]
    public async Task An_empty_append_writes_nothing_and_one_with_a_mark_writes_the_mark_of_an_existing_worker_only()
    {
        await Store.AppendAsync(Worker("empty"), 1, []);
        await Store.AppendAsync(Worker("empty"), 1, [], new WorkerMark(Runtime.Execution.WorkerStatus.Suspended));
        Assert.Equal(0, await Store.GetLastIndexAsync(Worker("empty")));
        Assert.Null(await Store.GetMarkAsync(Worker("empty")));
        Assert.Empty(await ListAsync(Store));

        await Store.AppendAsync(Worker("waiting"), 1, Entries(2));
        await Store.AppendAsync(Worker("waiting"), 3, [], new WorkerMark(Runtime.Execution.WorkerStatus.Suspended));
        Assert.Equal(new WorkerMark(Runtime.Execution.WorkerStatus.Suspended), await Store.GetMarkAsync(Worker("waiting")));
        Assert.Equal(2, await Store.GetLastIndexAsync(Worker("waiting")));
        await Assert.ThrowsAsync<OplogConflictException>(async () =>
            await Store.AppendAsync(Worker("waiting"), 2, [], new WorkerMark(Runtime.Execution.WorkerStatus.Failed, LastError: "stale")));
        Assert.Equal(new WorkerMark(Runtime.Execution.WorkerStatus.Suspended), await Store.GetMarkAsync(Worker("waiting")));
    }
}
