using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Storage;
using Clay.Storage.Postgres;
using Npgsql;
using static Clay.Storage.Tests.Contract.StoreTestData;

namespace Clay.Storage.Tests.Postgres;

/// <summary>What only the PostgreSQL store does: several nodes on one database, and connections that drop.</summary>
public sealed class PostgresOplogStoreTests : IAsyncLifetime
{
    private readonly PostgresFixture _fixture = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task Two_nodes_racing_on_one_worker_never_fork_its_oplog()
    {
        var worker = Worker("contended");
        await using var nodeA = await _fixture.OpenPostgresAsync();
        await using var nodeB = await _fixture.OpenPostgresAsync();
        // Four writers per node race for each index in rounds, so that both nodes are in every race: one
        // winner per index across both nodes. At least 30 rounds, and on until each node has won one (a
        // node can win many in a row), at most 300; the nodes take turns at starting first.
        const int minimumRounds = 30, maximumRounds = 300;
        var writers = new[] { nodeA, nodeB }.SelectMany((node, n) => Enumerable.Range(0, 4).Select(w => (Node: node, Tag: $"n{n}w{w}-"))).ToList();
        var won = writers.Select(_ => new List<string>()).ToArray();
        bool BothWon() => won.Take(4).Any(w => w.Count > 0) && won.Skip(4).Any(w => w.Count > 0);
        var indexes = 0;
        for (var i = 1; i <= maximumRounds && (i <= minimumRounds || !BothWon()); i++)
        {
            var index = indexes = i;
            var order = i % 2 == 0 ? writers.Select((writer, k) => (writer, k)) : writers.Select((writer, k) => (writer, k)).Reverse();
            await Task.WhenAll(order.Select(pair => Task.Run(async () =>
            {
                var (writer, k) = pair;
                try
                {
                    await writer.Node.AppendAsync(worker, index, Entries(1, first: index, tag: writer.Tag));
                    won[k].Add($"{index}:{writer.Tag}{index}");
                }
                catch (OplogConflictException)
                {
                }
            })));
        }

        var stored = await ReadAllAsync(nodeB, worker);
        Assert.Equal(Enumerable.Range(1, indexes), stored.Select(e => int.Parse(e[..e.IndexOf(':')])));
        Assert.Equal(stored.Order(StringComparer.Ordinal), won.SelectMany(w => w).Order(StringComparer.Ordinal));
        Assert.True(BothWon(), $"one node won all {indexes} indexes: the race did not happen");
    }

    [Fact]
    public async Task A_node_that_missed_another_nodes_appends_is_refused_and_sees_them()
    {
        var worker = Worker("moved");
        await using var old = await _fixture.OpenPostgresAsync();
        await using var current = await _fixture.OpenPostgresAsync();
        await old.AppendAsync(worker, 1, Entries(3));
        await current.AppendAsync(worker, 4, Entries(2, first: 4, tag: "current"));

        var conflict = await Assert.ThrowsAsync<OplogConflictException>(() => old.AppendAsync(worker, 4, Entries(1, first: 4, tag: "old")).AsTask());

        Assert.Equal(5, conflict.LastIndex);
        Assert.Equal(5, await old.GetLastIndexAsync(worker));
        Assert.Equal(["1:e1", "2:e2", "3:e3", "4:current4", "5:current5"], await ReadAllAsync(old, worker));
    }

    [Fact]
    public async Task A_connection_dropped_while_locking_fails_the_batch_cleanly_and_the_store_recovers()
    {
        var holder = Worker("holder");
        var worker = Worker("w");
        await using var store = await _fixture.OpenPostgresAsync();
        await store.AppendAsync(holder, 1, Entries(2));
        await store.AppendAsync(worker, 1, Entries(3));

        Task held, other;
        await using (var hold = await _fixture.HoldAsync(holder))
        {
            held = store.AppendAsync(holder, 3, Entries(1, first: 3, tag: "lost")).AsTask();
            other = store.AppendAsync(worker, 4, Entries(1, first: 4, tag: "lost")).AsTask();
            await TerminateAsync(await WriterBlockedByAsync(hold.BackendId));
            await AssertStorageUnavailableAsync(held);
            await AssertStorageUnavailableAsync(other);
        }

        await AssertRecoversAsync(store, holder, worker);
    }

    [Fact]
    public async Task A_connection_dropped_while_committing_fails_the_batch_cleanly_and_the_store_recovers()
    {
        var holder = Worker("holder");
        var worker = Worker("w");
        await using var store = await _fixture.OpenPostgresAsync();
        await store.AppendAsync(holder, 1, Entries(2));
        await store.AppendAsync(worker, 1, Entries(3));

        // An uncommitted row at the worker's next index makes the writer's insert wait, past its locks.
        await using var blocker = await PostgresServer.ConnectAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand($"INSERT INTO \"{_fixture.Schema}\".oplog_entries SELECT id, 4, 0, '\\x00'::bytea FROM \"{_fixture.Schema}\".workers WHERE name = 'w'", blocker, transaction))
        {
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }
        var held = store.AppendAsync(holder, 3, Entries(1, first: 3, tag: "lost")).AsTask();
        var other = store.AppendAsync(worker, 4, Entries(1, first: 4, tag: "lost")).AsTask();
        await TerminateAsync(await WriterBlockedByAsync(blocker.ProcessID));
        await AssertStorageUnavailableAsync(held);
        await AssertStorageUnavailableAsync(other);
        await transaction.RollbackAsync();

        await AssertRecoversAsync(store, holder, worker);
    }

    [Fact]
    public async Task A_batch_waits_for_an_earlier_batch_still_creating_the_row_of_a_worker_they_share()
    {
        var fresh = Worker("fresh");
        var other = Worker("other");
        var holder = Worker("holder");
        await using var store = await _fixture.OpenPostgresAsync();
        await store.AppendAsync(other, 1, Entries(1));
        await store.AppendAsync(holder, 1, Entries(1));

        // The first batch creates fresh's row and then waits, uncommitted, on an entry the test holds.
        await using var blocker = await PostgresServer.ConnectAsync();
        var transaction = await blocker.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand($"INSERT INTO \"{_fixture.Schema}\".oplog_entries SELECT id, 2, 0, '\\x00'::bytea FROM \"{_fixture.Schema}\".workers WHERE name = 'other'", blocker, transaction))
        {
            Assert.Equal(1, await insert.ExecuteNonQueryAsync());
        }
        Task first, holderAppend;
        await using (var hold = await _fixture.HoldAsync(holder))
        {
            // The writer waits on the held row, so the next two appends gather into one batch.
            holderAppend = store.AppendAsync(holder, 2, Entries(1, first: 2)).AsTask();
            await WriterBlockedByAsync(hold.BackendId);
            first = Task.WhenAll(store.AppendAsync(fresh, 1, Entries(1)).AsTask(), store.AppendAsync(other, 2, Entries(1, first: 2)).AsTask());
        }
        var firstBackend = await WriterBlockedByAsync(blocker.ProcessID);

        // The next batch, on another connection, must not take fresh's row for missing.
        var second = store.AppendAsync(fresh, 2, Entries(1, first: 2)).AsTask();
        await Task.WhenAny(second, WriterBlockedByAsync(firstBackend));
        await transaction.RollbackAsync();

        await Task.WhenAll(holderAppend, first, second);
        Assert.Equal(["1:e1", "2:e2"], await ReadAllAsync(store, fresh));
    }

    [Fact]
    public async Task A_commit_whose_answer_was_lost_is_acknowledged_when_the_database_has_it()
    {
        var worker = Worker("w");
        await using var store = await _fixture.OpenPostgresAsync();
        await store.AppendAsync(worker, 1, Entries(1));
        var lost = 0;
        store.AfterCommitForTests = () => Interlocked.Exchange(ref lost, 1) == 0 ? throw new NpgsqlException("connection lost (simulated)") : Task.CompletedTask;

        await store.AppendAsync(worker, 2, Entries(2, first: 2));

        Assert.Equal(1, lost);
        Assert.Equal(["1:e1", "2:e2", "3:e3"], await ReadAllAsync(store, worker));
        await store.AppendAsync(worker, 4, Entries(1, first: 4));
        Assert.Equal(4, await store.GetLastIndexAsync(worker));
    }

    private static async Task AssertStorageUnavailableAsync(Task append)
    {
        var error = await Assert.ThrowsAsync<ClayException>(() => append);
        Assert.Equal("storage-unavailable", error.Code);
        Assert.StartsWith("the oplog write could not be made durable in PostgreSQL at clay@", error.Message);
    }

    /// <summary>Nothing of the failed batch was stored, everything acknowledged was, and appends work again.</summary>
    private static async Task AssertRecoversAsync(PostgresOplogStore store, WorkerId holder, WorkerId worker)
    {
        Assert.Equal(["1:e1", "2:e2"], await ReadAllAsync(store, holder));
        Assert.Equal(["1:e1", "2:e2", "3:e3"], await ReadAllAsync(store, worker));
        await store.AppendAsync(holder, 3, Entries(1, first: 3, tag: "again"));
        await store.AppendAsync(worker, 4, Entries(1, first: 4, tag: "again"));
        Assert.Equal(["1:e1", "2:e2", "3:again3"], await ReadAllAsync(store, holder));
        Assert.Equal(["1:e1", "2:e2", "3:e3", "4:again4"], await ReadAllAsync(store, worker));
    }

    /// <summary>Waits (polling, with a bound) until a server process waits on <paramref name="holder"/>'s lock: the store's writer.</summary>
    private static async Task<int> WriterBlockedByAsync(int holder)
    {
        await using var connection = await PostgresServer.ConnectAsync();
        await using var query = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))", connection);
        query.Parameters.Add(new NpgsqlParameter { Value = holder });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await query.ExecuteScalarAsync() is int blocked) return blocked;
            Assert.True(DateTime.UtcNow < deadline, $"no server process waited on the lock held by {holder}: the store's writer never reached it");
        }
    }

    private static async Task TerminateAsync(int backend)
    {
        await using var connection = await PostgresServer.ConnectAsync();
        await using var terminate = new NpgsqlCommand("SELECT pg_terminate_backend($1, 10000)", connection);
        terminate.Parameters.Add(new NpgsqlParameter { Value = backend });
        Assert.Equal(true, await terminate.ExecuteScalarAsync());
    }
}
