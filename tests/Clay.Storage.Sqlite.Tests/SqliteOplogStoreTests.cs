using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Microsoft.Data.Sqlite;
using static Clay.Storage.Sqlite.Tests.StoreFixture;

namespace Clay.Storage.Sqlite.Tests;

/// <summary>
/// What only the SQLite store does: its write-ahead log, the repair of a corrupt tail on open, and
/// one process per database. The contract every store keeps is tested in Clay.Storage.Tests.
/// </summary>
public sealed class SqliteOplogStoreTests : IDisposable
{
    private readonly StoreFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

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
    public async Task A_corrupt_tail_is_reported_when_the_worker_is_first_used_and_the_valid_prefix_is_kept()
    {
        var worker = Worker("corrupt");
        await using (var store = await _fixture.OpenAsync())
        {
            await store.AppendAsync(worker, 1, Entries(10));
        }
        CorruptRow(8, "payload = X'00'");

        await using var reopened = await _fixture.OpenAsync();

        Assert.Empty(reopened.Repairs);
        Assert.Equal(7, await reopened.GetLastIndexAsync(worker));
        var repair = Assert.Single(reopened.Repairs);
        Assert.Equal(new TailRepair(worker, 8, 3), repair);
        Assert.Equal("oplog of worker test:store/corrupt had a corrupt entry at index 8; dropped 3 entries and kept the valid prefix of 7", repair.ToString());
        Assert.Equal(7, (await ReadAllAsync(reopened, worker)).Count);
        await reopened.AppendAsync(worker, 8, Entries(1, first: 8, tag: "new"));
        Assert.Equal("8:new8", (await ReadAllAsync(reopened, worker))[^1]);
    }

    [Fact]
    public async Task An_entry_that_is_not_binary_data_is_reported_as_corrupt_where_it_is_and_the_store_goes_on_reading()
    {
        var (bad, good) = (Worker("text-entry"), Worker("sound"));
        await using var store = await _fixture.OpenAsync();
        await store.AppendAsync(bad, 1, Entries(40));
        await store.AppendAsync(good, 1, Entries(40));
        // Below the tail the store verifies when a worker is first used: found only when read.
        CorruptRow(2, "payload = 'not a blob'", worker: 1);

        var error = await Assert.ThrowsAsync<OplogCorruptException>(() => ReadAllAsync(store, bad));

        Assert.Equal(2, error.Index);
        Assert.Contains("does not hold a checksum and binary data", error.Message);
        // The read connection that met it serves the next reads, of this worker and of others.
        for (var i = 0; i < 10; i++) Assert.Equal(40, (await ReadAllAsync(store, good)).Count);
        var after = new List<long>();
        await foreach (var entry in store.ReadAsync(bad, 3)) after.Add(entry.Index);
        Assert.Equal(Enumerable.Range(3, 38).Select(i => (long)i), after);
    }

    [Fact]
    public async Task A_corrupt_tail_met_first_by_an_append_is_dropped_and_the_append_fenced_against_the_valid_prefix()
    {
        var worker = Worker("corrupt-append");
        await using (var store = await _fixture.OpenAsync())
        {
            await store.AppendAsync(worker, 1, Entries(10));
        }
        CorruptRow(9, "crc = crc + 1");

        await using var reopened = await _fixture.OpenAsync();

        var conflict = await Assert.ThrowsAsync<OplogConflictException>(() => reopened.AppendAsync(worker, 11, Entries(1, first: 11)).AsTask());
        Assert.Equal(8, conflict.LastIndex);
        Assert.Equal(new TailRepair(worker, 9, 2), Assert.Single(reopened.Repairs));
        await reopened.AppendAsync(worker, 9, Entries(1, first: 9, tag: "new"));
        Assert.Equal(["8:e8", "9:new9"], (await ReadAllAsync(reopened, worker))[^2..]);
    }

    [Fact]
    public async Task Opening_reads_no_worker_and_each_one_is_loaded_when_first_used()
    {
        var workers = Enumerable.Range(0, 50).Select(i => Worker($"w{i:00}")).ToList();
        await using (var store = await _fixture.OpenAsync())
        {
            foreach (var worker in workers) await store.AppendAsync(worker, 1, Entries(3));
            await store.AppendAsync(workers[7], 4, Entries(1, first: 4), new WorkerMark(WorkerStatus.Suspended, false, DateTimeOffset.UnixEpoch.AddDays(1), null));
        }
        // Damage every other tail: a worker read at open would be repaired by the open itself.
        for (var i = 0; i < workers.Count; i++)
        {
            if (i != 7) CorruptRow(3, "crc = crc + 1", worker: i + 1);
        }

        await using var reopened = await _fixture.OpenAsync();

        Assert.Empty(reopened.Repairs);
        Assert.Equal(workers, await reopened.ListWorkersAsync().ToListAsync());
        Assert.Equal(50, (await ((IOplogStore)reopened).CountWorkersAsync())["test:store"]);
        Assert.Empty(reopened.Repairs);
        Assert.Equal(4, await reopened.GetLastIndexAsync(workers[7]));
        Assert.Equal(WorkerStatus.Suspended, (await reopened.GetMarkAsync(workers[7]))?.Status);
        Assert.Null(await reopened.GetMarkAsync(workers[8]));
        Assert.Equal(2, await reopened.GetLastIndexAsync(workers[8]));
        Assert.Equal([new TailRepair(workers[8], 3, 1)], reopened.Repairs);
    }

    [Fact]
    public async Task A_forgotten_worker_keeps_nothing_in_memory_and_a_commit_under_way_when_it_is_forgotten_lands()
    {
        var worker = Worker("forgotten");
        var other = Worker("other");
        await using var store = await _fixture.OpenAsync();
        await store.AppendAsync(worker, 1, Entries(2), new WorkerMark(WorkerStatus.Suspended, false, DateTimeOffset.UnixEpoch.AddDays(1), null));
        await store.AppendAsync(other, 1, Entries(1));
        Assert.Equal(2, store.SlotCount);

        store.Forget(worker);

        Assert.Equal(1, store.SlotCount);
        Assert.Equal(2, await store.GetLastIndexAsync(worker));
        Assert.Equal(WorkerStatus.Suspended, (await store.GetMarkAsync(worker))?.Status);
        Assert.Equal(2, store.SlotCount);

        // Forgotten while its next commit is with the writer, and read meanwhile: neither loses the commit.
        using var committing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        // Off the writer's thread, where the waiter of a lone commit goes on: this test is about to block.
        await Task.Yield();
        store.BeforeCommit = () =>
        {
            committing.Set();
            release.Wait(TimeSpan.FromSeconds(30));
        };
        var inFlight = store.AppendAsync(worker, 3, Entries(1, first: 3)).AsTask();
        Assert.True(committing.Wait(TimeSpan.FromSeconds(30)), "the writer never reached its commit");
        store.Forget(worker);
        Assert.Equal(2, await store.GetLastIndexAsync(worker));
        store.BeforeCommit = null;
        release.Set();
        await inFlight;

        Assert.Equal(3, await store.GetLastIndexAsync(worker));
        await store.AppendAsync(worker, 4, Entries(1, first: 4));
        // The writer fences appends against what is committed, slot or none.
        store.Forget(worker);
        await Assert.ThrowsAsync<OplogConflictException>(async () => await store.AppendAsync(worker, 4, Entries(1, first: 4, tag: "again")));
        Assert.Equal(["1:e1", "2:e2", "3:e3", "4:e4"], await ReadAllAsync(store, worker));
    }

    [Fact]
    public async Task A_commit_waits_for_the_write_lock_another_connection_holds_for_a_moment_instead_of_failing()
    {
        var worker = Worker("waits");
        await using var store = await _fixture.OpenAsync();
        await store.AppendAsync(worker, 1, Entries(1));
        // What a reader of the store does for an instant when it finds the WAL index's header being
        // rewritten: it takes the write lock to read the header again. Here it is held longer, on purpose.
        using var other = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _fixture.DatabasePath, Pooling = false }.ToString());
        other.Open();
        using (var begin = other.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();
        }

        var append = store.AppendAsync(worker, 2, Entries(1, first: 2)).AsTask();
        // The writer meets the lock at once; without a busy handler its commit fails right there.
        var first = await Task.WhenAny(append, Task.Delay(TimeSpan.FromMilliseconds(500)));
        Assert.False(first == append && append.IsFaulted, $"the commit failed while the lock was held: {append.Exception?.InnerException?.Message}");
        using (var rollback = other.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK";
            rollback.ExecuteNonQuery();
        }
        await append.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["1:e1", "2:e2"], await ReadAllAsync(store, worker));
    }

    [Fact]
    public async Task A_database_whose_marks_have_no_version_column_gets_one_when_it_opens_and_keeps_its_marks()
    {
        var failed = Worker("failed-before");
        await using (var store = await _fixture.OpenAsync())
        {
            await store.AppendAsync(failed, 1, Entries(1), new WorkerMark(WorkerStatus.Failed, LastError: "boom"));
        }
        // The marks table as databases written before versions in marks have it.
        using (var connection = new SqliteConnection($"Data Source={_fixture.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DROP INDEX IF EXISTS marks_not_idle; ALTER TABLE marks DROP COLUMN version;";
            command.ExecuteNonQuery();
        }

        await using var reopened = await _fixture.OpenAsync();
        Assert.Equal(new WorkerMark(WorkerStatus.Failed, LastError: "boom"), await reopened.GetMarkAsync(failed));
        var moved = Worker("moved");
        await reopened.AppendAsync(moved, 1, Entries(1), new WorkerMark(WorkerStatus.Idle, ComponentVersion: 4));
        Assert.Equal(4, (await reopened.GetMarkAsync(moved))?.ComponentVersion);
        var listed = new List<string>();
        await foreach (var worker in reopened.ListMarkedWorkersAsync("test:store")) listed.Add(worker.Worker.Worker);
        Assert.Equal(["failed-before"], listed);
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

    private void CorruptRow(long index, string assignment, long? worker = null)
    {
        using var connection = new SqliteConnection($"Data Source={_fixture.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE entries SET {assignment} WHERE idx = $i" + (worker is null ? "" : " AND worker = $w");
        command.Parameters.AddWithValue("$i", index);
        if (worker is not null) command.Parameters.AddWithValue("$w", worker);
        Assert.Equal(1, command.ExecuteNonQuery());
    }
}
