using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Clay.Storage.Postgres;

/// <summary>
/// The cluster's <see cref="IOplogStore"/>: oplogs in PostgreSQL, shared by every Clay node that
/// uses the same database and schema.
/// </summary>
/// <remarks>
/// <para><b>Group commit.</b> Every write goes through one writer. It takes whatever operations are
/// waiting (up to <see cref="PostgresStoreOptions.MaxBatchEntries"/> entries) and makes them one
/// transaction in two round trips: the first locks the workers' rows and reads their fences, the
/// second writes every accepted entry with one set-based statement and commits. Only then are the
/// callers' tasks completed. While one commit is in flight the next batch gathers, so a lone writer
/// pays two round trips and a WAL flush per append, and a thousand writers share them.</para>
/// <para><b>Fencing in the database.</b> A worker's row holds its last index. The writer locks the row
/// (<c>SELECT … FOR UPDATE</c>, in key order so two nodes never deadlock), refuses an append whose
/// first index does not follow it with <see cref="OplogConflictException"/>, and moves it with the
/// entries. The refusal touches nothing else in the batch. Two nodes that both believe they own a
/// worker queue on its row: the second sees the first's entries and is refused. The primary key
/// (worker, index) stands behind it: no forked oplog can be stored.</para>
/// <para><b>Durability.</b> A transaction is acknowledged once PostgreSQL reports its commit, which
/// with <c>synchronous_commit</c> on (the default; the store refuses to work without it) means its
/// WAL record is flushed. When the connection drops while committing, the outcome is unknown to the
/// client: the store asks the database whether that transaction committed
/// (<c>pg_xact_status</c>) and answers the callers accordingly, or fails them with
/// <c>storage-unavailable</c> when it cannot find out — never acknowledging what is not stored. The
/// next batch opens a new connection.</para>
/// <para><b>Integrity.</b> Each entry is stored with its <see cref="OplogChecksum"/>; reads verify
/// it and that no entry is missing below the fence.</para>
/// <para><b>Reads</b> go to the database every time (another node may have written), on pooled
/// connections, never behind the writer.</para>
/// </remarks>
public sealed partial class PostgresOplogStore : IOplogStore, IPromiseStore
{
    private readonly PostgresStoreOptions _options;
    private readonly ILogger _logger;
    private readonly NpgsqlDataSource _dataSource;
    private readonly StoreSql _sql;
    private readonly string _description;
    private readonly Channel<WriteOperation> _queue = Channel.CreateUnbounded<WriteOperation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writerLoop;
    private int _disposed;

    private PostgresOplogStore(PostgresStoreOptions options, ILogger logger, NpgsqlDataSource dataSource, string description)
    {
        _options = options;
        _logger = logger;
        _dataSource = dataSource;
        _description = description;
        _sql = new StoreSql(options.Schema);
        _writerLoop = Task.Run(WriterLoopAsync);
    }

    /// <summary>Statistics of the group commits so far.</summary>
    public GroupCommitStatistics Statistics { get; } = new();

    /// <summary>
    /// Connects, creates or migrates the schema and starts the writer. Fails with
    /// <c>storage-unavailable</c> when the database cannot be reached or its schema is newer than
    /// this code, and with <c>invalid-arguments</c> for a malformed connection string or schema name.
    /// </summary>
    public static async Task<PostgresOplogStore> OpenAsync(PostgresStoreOptions options, ILogger<PostgresOplogStore>? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        StoreSchema.Quote(options.Schema);
        var settings = PostgresConnectionString.Parse(options.ConnectionString);
        // Statements repeat with the same text whatever the batch: let Npgsql prepare them.
        if (settings.MaxAutoPrepare == 0) settings.MaxAutoPrepare = 32;
        var description = PostgresConnectionString.Describe(settings);
        var dataSource = new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();
        try
        {
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            {
                await RequireSynchronousCommitAsync(connection, description, cancellationToken).ConfigureAwait(false);
                var from = await StoreSchema.MigrateAsync(connection, options.Schema, cancellationToken).ConfigureAwait(false);
                if (from < StoreSchema.LatestVersion)
                {
                    logger?.LogInformation("Oplog schema {Schema} at {Database} migrated from version {From} to {To}",
                        options.Schema, description, from, StoreSchema.LatestVersion);
                }
            }
            return new PostgresOplogStore(options, (ILogger?)logger ?? NullLogger.Instance, dataSource, description);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or ClayException)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            if (ex is ClayException) throw;
            throw new ClayException(ErrorCodes.StorageUnavailable, $"cannot open the oplog store in PostgreSQL at {description}: {ex.Message}", ex);
        }
    }

    private static async Task RequireSynchronousCommitAsync(NpgsqlConnection connection, string description, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT current_setting('synchronous_commit'), current_setting('fsync')", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var synchronousCommit = reader.GetString(0);
        var fsync = reader.GetString(1);
        if (synchronousCommit == "off" || fsync == "off")
        {
            throw new ClayException(ErrorCodes.StorageUnavailable,
                $"PostgreSQL at {description} runs with synchronous_commit={synchronousCommit}, fsync={fsync}: a commit it reports could still be lost, and Clay acknowledges only what is durable; turn both on");
        }
    }

    /// <inheritdoc/>
    public ValueTask AppendAsync(WorkerId worker, long firstIndex, IReadOnlyList<ReadOnlyMemory<byte>> entries, WorkerMark? mark = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        // No entries: only the mark changes, if there is one.
        if (entries.Count == 0 && mark is null) return ValueTask.CompletedTask;
        return Enqueue(new WriteOperation.Append(worker, firstIndex, entries, mark));
    }

    /// <inheritdoc/>
    public ValueTask DeleteAsync(WorkerId worker, CancellationToken cancellationToken = default) =>
        Enqueue(new WriteOperation.Delete(worker));

    /// <inheritdoc/>
    public ValueTask TruncateAsync(WorkerId worker, long fromIndex, CancellationToken cancellationToken = default) =>
        Enqueue(new WriteOperation.Truncate(worker, fromIndex));

    /// <inheritdoc/>
    public async ValueTask<long> GetLastIndexAsync(WorkerId worker, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        try
        {
            await using var command = _dataSource.CreateCommand(_sql.LastIndex);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = worker.Component });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = worker.Worker });
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long last ? last : 0L;
        }
        catch (NpgsqlException ex)
        {
            throw Unavailable("read the oplog of " + worker, ex);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<StoredEntry> ReadAsync(WorkerId worker, long fromIndex, long toIndex = long.MaxValue,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (toIndex < fromIndex) yield break;
        fromIndex = Math.Max(1, fromIndex);
        await using var reader = await OpenReaderAsync(worker, fromIndex, toIndex, cancellationToken).ConfigureAwait(false);
        var expected = fromIndex;
        var last = 0L;
        while (await ReadRowAsync(reader, worker, cancellationToken).ConfigureAwait(false))
        {
            last = reader.GetInt64(0);
            if (reader.IsDBNull(1)) break;
            var index = reader.GetInt64(1);
            if (index != expected) throw new OplogCorruptException(worker, expected, "the entry is missing");
            var crc = unchecked((uint)reader.GetInt32(2));
            var payload = reader.GetFieldValue<byte[]>(3);
            if (OplogChecksum.OfEntry(index, payload) != crc)
            {
                throw new OplogCorruptException(worker, index, "checksum mismatch");
            }
            yield return new StoredEntry(index, payload);
            expected++;
        }
        if (expected <= Math.Min(toIndex, last)) throw new OplogCorruptException(worker, expected, "the entry is missing");
    }

    private async Task<NpgsqlDataReader> OpenReaderAsync(WorkerId worker, long fromIndex, long toIndex, CancellationToken cancellationToken)
    {
        try
        {
            var command = _dataSource.CreateCommand(_sql.ReadEntries);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = worker.Component });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = worker.Worker });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromIndex });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toIndex });
            // The command's connection closes with the reader.
            return await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw Unavailable("read the oplog of " + worker, ex);
        }
    }

    private async Task<bool> ReadRowAsync(NpgsqlDataReader reader, WorkerId worker, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw Unavailable("read the oplog of " + worker, ex);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<WorkerId> ListWorkersAsync(string? component = null, string? after = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        StoreArguments.ThrowIfAfterWithoutComponent(component, after);
        const int page = 1000;
        var next = (Component: component ?? "", Name: after ?? "");
        while (true)
        {
            var ids = await ListPageAsync(component, next, page, cancellationToken).ConfigureAwait(false);
            foreach (var id in ids) yield return id;
            if (ids.Count < page) yield break;
            next = (ids[^1].Component, ids[^1].Worker);
        }
    }

    private async Task<List<WorkerId>> ListPageAsync(string? component, (string Component, string Name) after, int page, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand(_sql.ListWorkers);
            command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = component, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = after.Component });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = after.Name });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = page });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var ids = new List<WorkerId>(page);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) ids.Add(new WorkerId(reader.GetString(0), reader.GetString(1)));
            return ids;
        }
        catch (NpgsqlException ex)
        {
            throw Unavailable("list workers", ex);
        }
    }

    /// <summary>Waits for queued writes, then closes the store's connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _queue.Writer.TryComplete();
        await _writerLoop.ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private ValueTask Enqueue(WriteOperation operation)
    {
        if (Volatile.Read(ref _disposed) != 0 || !_queue.Writer.TryWrite(operation)) return ValueTask.FromException(Closed());
        return new ValueTask(operation.Completion.Task);
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0) throw Closed();
    }

    private ClayException Unavailable(string what, Exception ex) =>
        new(ErrorCodes.StorageUnavailable, $"cannot {what} in PostgreSQL at {_description}: {ex.Message}", ex);

    private static ClayException Closed() => new(ErrorCodes.StorageUnavailable, "the oplog store is closed");
}
