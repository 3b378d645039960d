using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Storage;
using Microsoft.Data.Sqlite;
using static Clay.Storage.Sqlite.Tests.StoreFixture;

namespace Clay.Storage.Sqlite.Tests;

public sealed class SqliteOplogStoreTests : IDisposable
{
    private readonly StoreFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Appended_entries_are_read_back_in_order_after_reopening()
    {
        var worker = Worker("a");
        await using (var store = await _fixture.OpenAsync())
        {
            await store.AppendAsync(worker, 1, Entries(3));
            await store.AppendAsync(worker, 4, Entries(2, first: 4));
        }
        await using var reopened = await _fixture.OpenAsync();

        Assert.Equal(5, await reopened.GetLastIndexAsync(worker));
        Assert.Equal(["1:e1", "2:e2", "3:e3", "4:e4", "5:e5"], await ReadAllAsync(reopened, worker));
        var range = new List<long>();
        await foreach (var entry in reopened.ReadAsync(worker, 2, 3)) range.Add(entry.Index);
        Assert.Equal([2L, 3L], range);
    }

    [Fact]
    public async Task The_write_ahead_log_is_laid_out_when_the_store_opens_and_commits_overwrite_it()
    {
        var worker = Worker("a");
        var wal = new FileInfo(_fixture.DatabasePath + "-wal");
        await using (var store = await _fixture.OpenAsync())
        {
            var laidOut = new FileInfo(wal.FullName).Length;
            Assert.True(laidOut >= 8192L * (4096 + 24), $"the WAL takes {laidOut:N0} bytes after opening");
            for (var i = 1; i <= 200; i++) await store.AppendAsync(worker, i, Entries(1, first: i));
            Assert.Equal(laidOut, new FileInfo(wal.FullName).Length);
            // 200 commits of two 4 KiB frames each (the row's page and the index's), then zeros.
            Assert.InRange(WalFile.FramesEnd(wal.FullName), 32 + 400 * (4096 + 24), laidOut / 2);
        }
        await using var reopened = await _fixture.OpenAsync();

        Assert.Equal(200, await reopened.GetLastIndexAsync(worker));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => $"{i}:e{i}"), await ReadAllAsync(reopened, worker));
    }

    [Fact]
    public async Task Commits_that_are_only_in_the_write_ahead_log_at_a_crash_are_kept_when_the_log_is_laid_out_again()
    {
        var worker = Worker("a");
        using var image = new StoreFixture();
        await using (var store = await _fixture.OpenAsync())
        {
            await store.AppendAsync(worker, 1, Entries(40));
            // What a crash leaves: the database and a WAL holding commits not yet checkpointed.
            File.Copy(_fixture.DatabasePath, image.DatabasePath);
            File.Copy(_fixture.DatabasePath + "-wal", image.DatabasePath + "-wal");
        }
        await using var recovered = await image.OpenAsync();

        Assert.Equal(40, await recovered.GetLastIndexAsync(worker));
        Assert.Equal(Enumerable.Range(1, 40).Select(i => $"{i}:e{i}"), await ReadAllAsync(recovered, worker));
        await recovered.AppendAsync(worker, 41, Entries(1, first: 41));
        Assert.Equal(41, (await ReadAllAsync(recovered, worker)).Count);
    }

    [Fact]
    public async Task An_append_at_the_wrong_index_is_a_conflict_and_writes_nothing()
    {
        var worker = Worker("fenced");
        await using var store = await _fixture.OpenAsync();
        await store.AppendAsync(worker, 1, Entries(2));

        var stale = await Assert.ThrowsAsync<OplogConflictException>(() => store.AppendAsync(worker, 2, Entries(1, tag: "stale")).AsTask());
        var ahead = await Assert.ThrowsAsync<OplogConflictException>(() => store.AppendAsync(worker, 5, Entries(1, tag: "ahead")).AsTask());

        Assert.Equal("oplog-conflict", stale.Code);
        Assert.Equal(2, stale.LastIndex);
        Assert.Contains("append at index 2 but the last durable index is 2", stale.Message);
        Assert.Equal(5, ahead.ExpectedIndex);
        Assert.Equal(["1:e1", "2:e2"], await ReadAllAsync(store, worker));
    }

    [Fact]
    public async Task Racing_writers_of_one_worker_never_fork_its_history()
    {
        var worker = Worker("raced");
        await using var store = await _fixture.OpenAsync();
        // 20 writers each try to append index 1..50 in turn; exactly one wins each index.
        var wins = new int[20];
        await Task.WhenAll(Enumerable.Range(0, 20).Select(w => Task.Run(async () =>
        {
            for (var i = 1; i <= 50; i++)
            {
                try
                {
                    await store.AppendAsync(worker, i, Entries(1, first: i, tag: $"w{w}-"));
                    wins[w]++;
                }
                catch (OplogConflictException)
                {
                }
            }
        })));

        Assert.Equal(50, wins.Sum());
        var entries = await ReadAllAsync(store, worker);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"{i}:"), entries.Select(e => e[..(e.IndexOf(':') + 1)]));
    }

    [Fact]
    public async Task Concurrent_appends_of_many_workers_are_group_committed_and_all_durable()
    {
        const int workers = 200;
        const int appends = 20;
        await using (var store = await _fixture.OpenAsync())
        {
            await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
            {
                for (var i = 1; i <= appends; i++) await store.AppendAsync(Worker($"w{w}"), i, Entries(1, first: i));
            })));
            Assert.True(store.Statistics.Commits < workers * appends,
                $"{store.Statistics.Commits} commits for {workers * appends} appends: appends were not batched");
        }
        await using var reopened = await _fixture.OpenAsync();
        var listed = new List<WorkerId>();
        await foreach (var id in reopened.ListWorkersAsync("test:store")) listed.Add(id);
        Assert.Equal(workers, listed.Count);
        foreach (var id in listed) Assert.Equal(appends, await reopened.GetLastIndexAsync(id));
    }

    [Fact]
    public async Task A_corrupt_tail_is_reported_on_open_and_the_valid_prefix_is_kept()
    {
        var worker = Worker("corrupt");
        await using (var store = await _fixture.OpenAsync())
        {
            await store.AppendAsync(worker, 1, Entries(10));
        }
        CorruptRow(8, "payload = X'00'");

        await using var reopened = await _fixture.OpenAsync();

        var repair = Assert.Single(reopened.Repairs);
        Assert.Equal(new TailRepair(worker, 8, 3), repair);
        Assert.Equal("oplog of worker test:store/corrupt had a corrupt entry at index 8; dropped 3 entries and kept the valid prefix of 7", repair.ToString());
        Assert.Equal(7, await reopened.GetLastIndexAsync(worker));
        Assert.Equal(7, (await ReadAllAsync(reopened, worker)).Count);
        await reopened.AppendAsync(worker, 8, Entries(1, first: 8, tag: "new"));
        Assert.Equal("8:new8", (await ReadAllAsync(reopened, worker))[^1]);
    }

    [Fact]
    public async Task A_corrupt_entry_deeper_than_the_verified_tail_fails_the_read_naming_the_index()
    {
        var worker = Worker("deep");
        await using (var store = await _fixture.OpenAsync())
        {
            await store.AppendAsync(worker, 1, Entries(40));
        }
        CorruptRow(3, "crc = crc + 1");

        await using var reopened = await _fixture.OpenAsync();
        Assert.Empty(reopened.Repairs);
        var error = await Assert.ThrowsAsync<OplogCorruptException>(() => ReadAllAsync(reopened, worker));

        Assert.Equal("oplog-corrupt", error.Code);
        Assert.Equal(3, error.Index);
        Assert.Equal("oplog of worker test:store/deep is corrupt at index 3: checksum mismatch", error.Message);
    }

    [Fact]
    public async Task A_second_store_on_the_same_database_is_refused()
    {
        await using var store = await _fixture.OpenAsync();
        var error = await Assert.ThrowsAsync<ClayException>(() => _fixture.OpenAsync());
        Assert.Equal("storage-unavailable", error.Code);
        Assert.Contains("in use by another Clay process", error.Message);
    }

    [Fact]
    public async Task A_data_directory_where_the_lock_cannot_be_written_is_reported_as_such_not_as_in_use()
    {
        // A directory where the lock file should be: creating the file fails as on a read-only disk.
        Directory.CreateDirectory(_fixture.DatabasePath + ".lock");

        var error = await Assert.ThrowsAsync<ClayException>(() => _fixture.OpenAsync());

        Assert.Equal("storage-unavailable", error.Code);
        Assert.Contains("cannot write in the data directory", error.Message);
        Assert.DoesNotContain("in use", error.Message);
    }

    [Fact]
    public async Task Delete_and_truncate_are_durable()
    {
        var kept = Worker("kept");
        var gone = Worker("gone");
        await using (var store = await _fixture.OpenAsync())
        {
            await store.AppendAsync(kept, 1, Entries(5));
            await store.AppendAsync(gone, 1, Entries(5));
            await store.TruncateAsync(kept, 4);
            await store.DeleteAsync(gone);
            Assert.Equal(0, await store.GetLastIndexAsync(gone));
            // A deleted worker starts again from index 1.
            await store.AppendAsync(gone, 1, Entries(1, tag: "again"));
        }
        await using var reopened = await _fixture.OpenAsync();
        Assert.Equal(["1:e1", "2:e2", "3:e3"], await ReadAllAsync(reopened, kept));
        Assert.Equal(["1:again1"], await ReadAllAsync(reopened, gone));
    }

    [Fact]
    public async Task A_closed_store_refuses_work_with_a_clear_error()
    {
        var store = await _fixture.OpenAsync();
        await store.DisposeAsync();
        var error = await Assert.ThrowsAsync<ClayException>(() => store.AppendAsync(Worker("late"), 1, Entries(1)).AsTask());
        Assert.Equal("storage-unavailable", error.Code);
        Assert.Equal("the oplog store is closed", error.Message);
    }

    private void CorruptRow(long index, string assignment)
    {
        using var connection = new SqliteConnection($"Data Source={_fixture.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE entries SET {assignment} WHERE idx = $i";
        command.Parameters.AddWithValue("$i", index);
        Assert.Equal(1, command.ExecuteNonQuery());
    }
}
