using Clay.Runtime.Errors;
using Clay.Runtime.Storage;
using static Clay.Storage.Tests.Contract.StoreTestData;

namespace Clay.Storage.Tests.Contract;

/// <summary>What the durable stores promise beyond <see cref="OplogStoreContract"/>: data that survives
/// reopening, checksums verified on read, and group commits in which one refusal harms no one else.</summary>
public abstract partial class DurableOplogStoreContract : OplogStoreContract
{
    protected abstract IDurableStoreFixture DurableFixture { get; }

    protected sealed override IStoreFixture Fixture => DurableFixture;

    [Fact]
    public async Task Appends_deletes_and_truncations_survive_reopening()
    {
        var kept = Worker("kept");
        var cut = Worker("cut");
        var gone = Worker("gone");
        await Store.AppendAsync(kept, 1, Entries(3));
        await Store.AppendAsync(kept, 4, Entries(2, first: 4));
        await Store.AppendAsync(cut, 1, Entries(5));
        await Store.TruncateAsync(cut, 3);
        await Store.AppendAsync(gone, 1, Entries(5));
        await Store.DeleteAsync(gone);

        await ReopenAsync();

        Assert.Equal(5, await Store.GetLastIndexAsync(kept));
        Assert.Equal(["1:e1", "2:e2", "3:e3", "4:e4", "5:e5"], await ReadAllAsync(Store, kept));
        Assert.Equal(["1:e1", "2:e2"], await ReadAllAsync(Store, cut));
        Assert.Equal(0, await Store.GetLastIndexAsync(gone));
        Assert.Equal([cut, kept], await ListAsync(Store));
        await Assert.ThrowsAsync<OplogConflictException>(() => Store.AppendAsync(kept, 5, Entries(1)).AsTask());
        await Store.AppendAsync(kept, 6, Entries(1, first: 6));
        Assert.Equal(6, await Store.GetLastIndexAsync(kept));
    }

    [Fact]
    public async Task A_refused_append_fails_alone_and_the_rest_of_its_group_commit_is_stored()
    {
        var holder = Worker("holder");
        var a = Worker("a");
        var b = Worker("b");
        await Store.AppendAsync(holder, 1, Entries(1));
        await Store.AppendAsync(b, 1, Entries(2));
        var commitsBefore = DurableFixture.Commits(Store);

        Task first, good, refused, sameWorkerAfterRefusal, chained, other;
        await using (await DurableFixture.HoldWritesAsync(holder))
        {
            // The writer blocks on the holder's commit; everything queued meanwhile is committed together.
            first = Store.AppendAsync(holder, 2, Entries(1, first: 2)).AsTask();
            good = Store.AppendAsync(a, 1, Entries(2, tag: "a")).AsTask();
            refused = Store.AppendAsync(b, 2, Entries(1, first: 2, tag: "stale")).AsTask();
            sameWorkerAfterRefusal = Store.AppendAsync(b, 3, Entries(1, first: 3, tag: "b")).AsTask();
            chained = Store.AppendAsync(a, 3, Entries(1, first: 3, tag: "a")).AsTask();
            other = Store.AppendAsync(Worker("c"), 1, Entries(1, tag: "c")).AsTask();
        }

        await Task.WhenAll(first, good, sameWorkerAfterRefusal, chained, other);
        var conflict = await Assert.ThrowsAsync<OplogConflictException>(() => refused);
        Assert.Equal((2L, 2L), (conflict.ExpectedIndex, conflict.LastIndex));
        // The six appends took at most two commits (the holder's batch and the rest), so the refusal
        // shared its commit with appends that were stored.
        Assert.InRange(DurableFixture.Commits(Store) - commitsBefore, 1, 2);
        Assert.Equal(["1:a1", "2:a2", "3:a3"], await ReadAllAsync(Store, a));
        Assert.Equal(["1:e1", "2:e2", "3:b3"], await ReadAllAsync(Store, b));
        Assert.Equal(["1:c1"], await ReadAllAsync(Store, Worker("c")));
        await ReopenAsync();
        Assert.Equal(["1:e1", "2:e2", "3:b3"], await ReadAllAsync(Store, b));
    }

    [Fact]
    public async Task Concurrent_appends_of_many_workers_share_commits()
    {
        const int workers = 200, appends = 5;
        var commitsBefore = DurableFixture.Commits(Store);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var i = 1; i <= appends; i++) await Store.AppendAsync(Worker($"w{w}"), i, Entries(1, first: i));
        })));

        var commits = DurableFixture.Commits(Store) - commitsBefore;
        Assert.True(commits < workers * appends, $"{commits} commits for {workers * appends} appends: appends were not batched");
        await ReopenAsync();
        Assert.Equal(workers, (await ListAsync(Store)).Count);
    }

    [Theory]
    [InlineData(Corruption.Checksum, "checksum mismatch")]
    [InlineData(Corruption.Payload, "checksum mismatch")]
    [InlineData(Corruption.Missing, "the entry is missing")]
    public async Task A_damaged_entry_fails_the_read_naming_the_worker_and_index(Corruption corruption, string reason)
    {
        var worker = Worker("damaged");
        await Store.AppendAsync(worker, 1, Entries(40));

        // Deep in the oplog, where the SQLite store's check of the tail on open does not look.
        await WhileClosedAsync(() => DurableFixture.CorruptAsync(worker, 3, corruption));

        var error = await Assert.ThrowsAsync<OplogCorruptException>(() => ReadAllAsync(Store, worker));
        Assert.Equal("oplog-corrupt", error.Code);
        Assert.Equal((worker, 3L), (error.Worker, error.Index));
        Assert.Equal($"oplog of worker test:store/damaged is corrupt at index 3: {reason}", error.Message);
        // The entries before it read fine.
        Assert.Equal(["1:e1", "2:e2"], await ReadAllAsync(Store, worker, 1, 2));
    }

    [Fact]
    public async Task A_closed_store_refuses_work_with_a_clear_error()
    {
        var store = Store;
        await ReopenAsync();
        var error = await Assert.ThrowsAsync<ClayException>(() => store.AppendAsync(Worker("late"), 1, Entries(1)).AsTask());
        Assert.Equal("storage-unavailable", error.Code);
        Assert.Equal("the oplog store is closed", error.Message);
        Assert.Equal("storage-unavailable", (await Assert.ThrowsAsync<ClayException>(() => store.GetLastIndexAsync(Worker("late")).AsTask())).Code);
    }
}
