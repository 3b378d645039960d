using Clay.Runtime;
using Clay.Runtime.Storage;
using Clay.Storage.Sqlite;
using Clay.Storage.Tests.Contract;
using Microsoft.Data.Sqlite;

namespace Clay.Storage.Tests.Sqlite;

/// <summary>A SQLite oplog database in a fresh temporary directory, removed afterwards.</summary>
public sealed class SqliteFixture : IDurableStoreFixture
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "clay-store-tests", Guid.NewGuid().ToString("N"));

    public SqliteFixture() => Directory.CreateDirectory(_directory);

    public string DatabasePath => Path.Combine(_directory, "oplog.db");

    public async Task<IOplogStore> OpenAsync() =>
        await SqliteOplogStore.OpenAsync(new SqliteStoreOptions { DatabasePath = DatabasePath, PreallocateWal = false });

    public Task CorruptAsync(WorkerId worker, long index, Corruption corruption)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        var row = "worker = (SELECT id FROM workers WHERE component = $c AND name = $n) AND idx = $i";
        command.CommandText = corruption switch
        {
            Corruption.Checksum => $"UPDATE entries SET crc = crc + 1 WHERE {row}",
            Corruption.Payload => $"UPDATE entries SET payload = X'00' WHERE {row}",
            Corruption.Missing => $"DELETE FROM entries WHERE {row}",
            _ => throw new ArgumentOutOfRangeException(nameof(corruption)),
        };
        command.Parameters.AddWithValue("$c", worker.Component);
        command.Parameters.AddWithValue("$n", worker.Worker);
        command.Parameters.AddWithValue("$i", index);
        Assert.Equal(1, command.ExecuteNonQuery());
        return Task.CompletedTask;
    }

    public Task<IAsyncDisposable> HoldWritesAsync(WorkerId worker)
    {
        // SQLite has one writer at a time: holding the write lock holds every commit.
        var connection = Connect();
        using (var begin = connection.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();
        }
        return Task.FromResult<IAsyncDisposable>(new Held(connection));
    }

    public long Commits(IOplogStore store) => ((SqliteOplogStore)store).Statistics.Commits;

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        return connection;
    }

    private sealed class Held(SqliteConnection connection) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            using (var rollback = connection.CreateCommand())
            {
                rollback.CommandText = "ROLLBACK";
                rollback.ExecuteNonQuery();
            }
            connection.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
