using Clay.Runtime;
using Clay.Runtime.Storage;
using Clay.Storage.Postgres;
using Clay.Storage.Tests.Contract;
using Npgsql;

namespace Clay.Storage.Tests.Postgres;

/// <summary>A schema of its own in the test server, dropped afterwards.</summary>
public sealed class PostgresFixture : IDurableStoreFixture
{
    public string Schema { get; } = "test_" + Guid.NewGuid().ToString("N")[..20];

    public PostgresStoreOptions Options => new() { ConnectionString = PostgresServer.ConnectionString, Schema = Schema };

    public async Task<IOplogStore> OpenAsync() => await OpenPostgresAsync();

    public Task<PostgresOplogStore> OpenPostgresAsync() => PostgresOplogStore.OpenAsync(Options);

    /// <summary>Runs SQL on the fixture's schema behind the store's back ({s} stands for the schema); returns the rows affected.</summary>
    public async Task<int> ExecuteAsync(string sql, params object[] parameters)
    {
        await using var connection = await PostgresServer.ConnectAsync();
        await using var command = new NpgsqlCommand(sql.Replace("{s}", $"\"{Schema}\"", StringComparison.Ordinal), connection);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return await command.ExecuteNonQueryAsync();
    }

    public async Task CorruptAsync(WorkerId worker, long index, Corruption corruption)
    {
        const string row = "worker_id = (SELECT id FROM {s}.workers WHERE component = $1 AND name = $2) AND idx = $3";
        var sql = corruption switch
        {
            Corruption.Checksum => $"UPDATE {{s}}.oplog_entries SET crc = crc # 1 WHERE {row}",
            Corruption.Payload => $"UPDATE {{s}}.oplog_entries SET payload = '\\x00'::bytea WHERE {row}",
            Corruption.Missing => $"DELETE FROM {{s}}.oplog_entries WHERE {row}",
            _ => throw new ArgumentOutOfRangeException(nameof(corruption)),
        };
        Assert.Equal(1, await ExecuteAsync(sql, worker.Component, worker.Worker, index));
    }

    public async Task<IAsyncDisposable> HoldWritesAsync(WorkerId worker) => await HoldAsync(worker);

    /// <summary>Locks the worker's row from a connection of the test's own, until the handle is disposed.</summary>
    public async Task<HeldRow> HoldAsync(WorkerId worker)
    {
        // The writer locks every worker row its batch touches: holding this one's lock holds that commit.
        var connection = await PostgresServer.ConnectAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand($"SELECT id FROM \"{Schema}\".workers WHERE component = $1 AND name = $2 FOR UPDATE", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = worker.Component });
        command.Parameters.Add(new NpgsqlParameter { Value = worker.Worker });
        Assert.NotNull(await command.ExecuteScalarAsync());
        return new HeldRow(connection, transaction);
    }

    public long Commits(IOplogStore store) => ((PostgresOplogStore)store).Statistics.Commits;

    public async ValueTask DisposeAsync()
    {
        await using var connection = await PostgresServer.ConnectAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>A row lock held by a connection of the test's own.</summary>
    public sealed class HeldRow(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        /// <summary>The server process of the connection that holds the lock.</summary>
        public int BackendId => connection.ProcessID;

        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
