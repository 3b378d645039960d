using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Clay.Storage.Sqlite;

/// <summary>
/// The embedded <see cref="IOplogStore"/>: one SQLite database in WAL mode with
/// <c>synchronous=FULL</c>, so a committed transaction is on disk.
/// </summary>
/// <remarks>
/// <para><b>Group commit.</b> Every write goes through one writer thread. It takes whatever appends
/// are waiting (up to <see cref="SqliteStoreOptions.MaxBatchEntries"/> entries), writes them in one
/// transaction, commits (one fsync of the WAL), and only then completes each caller's task. A lone
/// writer pays one fsync per append; a thousand concurrent writers share each fsync.</para>
/// <para><b>Fencing.</b> The writer thread knows every worker's last durable index and rejects an
/// append whose first index does not follow it, without touching the rest of the batch.</para>
/// <para><b>Integrity.</b> Each entry is stored with a CRC-32C of its index and bytes. Reads verify
/// it. The first time a worker is used after the store opened, the last
/// <see cref="SqliteStoreOptions.TailVerificationDepth"/> entries of its oplog are verified; a bad
/// tail is logged, listed in <see cref="Repairs"/>, and dropped so the valid prefix can be replayed. SQLite's own WAL checksums discard a torn final commit.</para>
/// <para><b>A log that does not grow.</b> Appending to a file changes its size, and making a size
/// change durable costs the file system a journal commit: a commit that grows the WAL takes about
/// twice as long to sync as one that overwrites it. SQLite reuses its WAL from the start after each
/// checkpoint, so only the first cycle after a start grows it; on open the store checkpoints and
/// truncates the WAL (SQLite's own <c>wal_checkpoint(TRUNCATE)</c>) and fills it with zeros up to its
/// working size, so every commit overwrites from the first. Zeros are never a valid WAL header or
/// frame: SQLite reads such a log as empty.</para>
/// <para><b>Exclusivity.</b> A lock file next to the database keeps a second process from opening it.</para>
/// </remarks>
public sealed partial class SqliteOplogStore : IOplogStore, IPromiseStore
{
    private readonly SqliteStoreOptions _options;
    private readonly ILogger _logger;
    private readonly string _readConnectionString;
    private readonly FileStream _lock;
    private readonly SqliteConnection _writeConnection;
    private readonly Channel<WriteOperation> _queue = Channel.CreateUnbounded<WriteOperation>(new UnboundedChannelOptions { SingleReader = true });
    // Wakes the writer thread; spins briefly before sleeping, so a lone writer is picked up fast.
    private readonly ManualResetEventSlim _work = new(false, spinCount: 200);
    private readonly ConcurrentDictionary<WorkerId, WorkerSlot> _workers = new();
    private readonly Task _writerLoop;
    private readonly List<TailRepair> _repairs = [];
    private int _disposed;
    private int _crashed;

    private SqliteOplogStore(SqliteStoreOptions options, ILogger logger, FileStream lockFile, SqliteConnection writeConnection, string readConnectionString)
    {
        _options = options;
        _logger = logger;
        _lock = lockFile;
        _writeConnection = writeConnection;
        _readConnectionString = readConnectionString;
        _writerLoop = Task.Factory.StartNew(WriterLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>
    /// The corrupt tails found and dropped so far: a worker's tail is verified the first time the
    /// worker is used after the store opened.
    /// </summary>
    public IReadOnlyList<TailRepair> Repairs
    {
        get
        {
            lock (_publish) return [.. _repairs];
        }
    }

    /// <summary>Statistics of the group commits so far.</summary>
    public GroupCommitStatistics Statistics { get; } = new();

    /// <summary>How long the writer waits for the database's write lock held by another connection before its commit fails.</summary>
    public static readonly TimeSpan WriterBusyTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Opens (creating if needed) the database and starts the writer. No worker is read: each one is
    /// loaded, and its oplog's tail verified, when first used. Fails with <c>storage-unavailable</c> when another process holds the database.
    /// </summary>
    public static Task<SqliteOplogStore> OpenAsync(SqliteStoreOptions options, ILogger<SqliteOplogStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = Path.GetFullPath(options.DatabasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var lockFile = AcquireLock(path);
        SqliteConnection? connection = null;
        try
        {
            connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
            }.ToString());
            connection.Open();
            // The writer steps its statements itself, so SQLite's own busy handler is what waits when the
            // write lock is briefly taken: a reader of the store that finds the WAL index's header being
            // rewritten takes that lock for a moment to read it again. Without a handler the writer's
            // BEGIN or COMMIT would fail at once with "database is locked" and the whole batch with it.
            SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, (int)WriterBusyTimeout.TotalMilliseconds);
            Execute(connection, $"""
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = {options.Synchronous.ToString().ToUpperInvariant()};
                PRAGMA foreign_keys = OFF;
                CREATE TABLE IF NOT EXISTS workers (
                    id INTEGER PRIMARY KEY,
                    component TEXT NOT NULL,
                    name TEXT NOT NULL,
                    UNIQUE (component, name));
                CREATE TABLE IF NOT EXISTS entries (
                    seq INTEGER PRIMARY KEY,
                    worker INTEGER NOT NULL,
                    idx INTEGER NOT NULL,
                    crc INTEGER NOT NULL,
                    payload BLOB NOT NULL);
                CREATE UNIQUE INDEX IF NOT EXISTS entries_by_worker ON entries (worker, idx);
                CREATE TABLE IF NOT EXISTS marks (
                    worker INTEGER PRIMARY KEY,
                    status INTEGER NOT NULL,
                    pending INTEGER NOT NULL,
                    wake_at INTEGER,
                    last_error TEXT,
                    version INTEGER);
                CREATE INDEX IF NOT EXISTS marks_needing_attention ON marks (worker) WHERE pending = 1 OR wake_at IS NOT NULL;
                CREATE TABLE IF NOT EXISTS promises (
                    worker INTEGER NOT NULL,
                    promise INTEGER NOT NULL,
                    value BLOB NOT NULL,
                    PRIMARY KEY (worker, promise)) WITHOUT ROWID;
                PRAGMA wal_autocheckpoint = {WalAutocheckpointFrames};
                """);
            AddMarkVersion(connection);
            if (options.MaxDatabaseBytes > 0)
            {
                var pages = Math.Max(1, options.MaxDatabaseBytes / PageSize(connection));
                Execute(connection, $"PRAGMA max_page_count = {pages};");
            }
            if (options.Synchronous != SqliteSynchronous.Full)
            {
                logger?.LogWarning("UNSAFE: the oplog store runs with synchronous={Setting} ({Variable}): acknowledged commits can be lost in a power cut",
                    options.Synchronous, SqliteSynchronousSetting.EnvironmentVariable);
            }
            if (options.PreallocateWal) PreallocateWal(connection, path, logger);
            var readConnectionString = new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = true,
            }.ToString();
            var store = new SqliteOplogStore(options, (ILogger?)logger ?? NullLogger.Instance, lockFile, connection, readConnectionString);
            return Task.FromResult(store);
        }
        catch (SqliteException ex)
        {
            connection?.Dispose();
            lockFile.Dispose();
            var damaged = ex.SqliteErrorCode is 11 or 26; // SQLITE_CORRUPT, SQLITE_NOTADB
            throw new ClayException(ErrorCodes.StorageUnavailable, $"cannot open the oplog database {path}: {ex.Message}"
                + (damaged ? $"; the file is damaged: 'clay-server salvage --data-dir {Path.GetDirectoryName(path)}' rebuilds it from what can be read and keeps the damaged file" : ""), ex);
        }
    }

    /// <summary>
    /// Brings a database written before marks named a worker's component version up to date: the
    /// <c>version</c> column (null in every existing row, which means "the create entry's version") and
    /// the partial index over the marks that show more than plain idle.
    /// </summary>
    private static void AddMarkVersion(SqliteConnection connection)
    {
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('marks') WHERE name = 'version'";
            if ((long)command.ExecuteScalar()! == 0) Execute(connection, "ALTER TABLE marks ADD COLUMN version INTEGER;");
        }
        Execute(connection, """
            CREATE INDEX IF NOT EXISTS marks_not_idle ON marks (worker)
                WHERE status <> 1 OR pending = 1 OR wake_at IS NOT NULL OR last_error IS NOT NULL;
            """);
    }

    private static FileStream AcquireLock(string path)
    {
        var lockPath = path + ".lock";
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException ex) when (File.Exists(lockPath))
        {
            throw new ClayException(ErrorCodes.StorageUnavailable,
                $"the oplog database {path} is in use by another Clay process (lock file {lockPath})", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClayException(ErrorCodes.StorageUnavailable,
                $"cannot write in the data directory {Path.GetDirectoryName(path)} (is it read-only, or full?): {ex.Message}", ex);
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
        return await SlotAsync(worker) is { } slot ? slot.LastIndex : 0L;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<StoredEntry> ReadAsync(WorkerId worker, long fromIndex, long toIndex = long.MaxValue,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (toIndex < fromIndex || await SlotAsync(worker) is not { } slot) yield break;
        fromIndex = Math.Max(1, fromIndex);
        // Only what is durable: the writer publishes LastIndex after each commit.
        toIndex = Math.Min(toIndex, slot.LastIndex);
        const int page = 512;
        var next = fromIndex;
        while (next <= toIndex)
        {
            var rows = ReadPage(worker, slot.Id, next, Math.Min(toIndex, next + page - 1));
            foreach (var row in rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return row;
            }
            next += page;
            await Task.Yield();
        }
    }

    private List<StoredEntry> ReadPage(WorkerId worker, long workerKey, long from, long to) =>
        WithReader((worker, workerKey, from, to), static (reader, s) => reader.ReadEntries(s.worker, s.workerKey, s.from, s.to));

    /// <summary>Waits for queued writes, then closes the database and releases its lock.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _queue.Writer.TryComplete();
        _work.Set();
        await _writerLoop.ConfigureAwait(false);
        _work.Dispose();
        // Reads close first: a read-only connection closing last cannot checkpoint and remove the WAL,
        // so the writer's connection must be the last one.
        await CloseReadsAsync().ConfigureAwait(false);
        _writeConnection.Dispose();
        await _lock.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Test hook: stops the store as a killed process would. Writes still queued are dropped and fail,
    /// and a commit in progress may land but is not acknowledged; the database is closed without
    /// checkpointing, so the next open recovers from the WAL, and the lock is released so that it can.
    /// Unlike <see cref="DisposeAsync"/>, nothing queued is flushed.
    /// </summary>
    internal async ValueTask CrashAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Volatile.Write(ref _crashed, 1);
        _queue.Writer.TryComplete();
        _work.Set();
        await _writerLoop.ConfigureAwait(false);
        await CloseReadsAsync().ConfigureAwait(false);
        // A process that dies does not checkpoint: keep SQLite from doing it when the last connection closes.
        SQLitePCL.raw.sqlite3_db_config(_writeConnection.Handle, SQLitePCL.raw.SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, out _);
        _writeConnection.Dispose();
        _work.Dispose();
        await _lock.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Test hook: runs on the writer thread after a batch is written and before it commits.</summary>
    internal Action? BeforeCommit { get; set; }

    private static ClayException Crashed() => new(ErrorCodes.StorageUnavailable, "the oplog store stopped as in a crash before this write was committed");

    private ValueTask Enqueue(WriteOperation operation)
    {
        if (Volatile.Read(ref _disposed) != 0 || !_queue.Writer.TryWrite(operation))
            return ValueTask.FromException(Closed());
        _work.Set();
        return new ValueTask(operation.Completion.Task);
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0) throw Closed();
    }

    private static ClayException Closed() => new(ErrorCodes.StorageUnavailable, "the oplog store is closed");

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
