using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Clay.Storage.Sqlite;

/// <summary>
/// The statements the writer thread runs on every commit — begin, insert an entry, commit — and on
/// every new worker — look its row up, insert it — prepared once on the write connection and run
/// through SQLite's own API. Going through
/// <see cref="SqliteCommand"/> and <see cref="SqliteTransaction"/> prepared <c>BEGIN</c> and
/// <c>COMMIT</c> again and allocated a reader, a parameter binder and boxed values for every entry,
/// on the thread every commit waits for. The other writes (marks, promises, deletes) stay commands:
/// with no <see cref="SqliteTransaction"/> open on the connection, they run inside the transaction begun here.
/// Used by the writer thread only.
/// </summary>
internal sealed class WriterStatements : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _begin;
    private readonly sqlite3_stmt _commit;
    private readonly sqlite3_stmt _rollback;
    private readonly sqlite3_stmt _insertEntry;
    private readonly sqlite3_stmt _findWorker;
    private readonly sqlite3_stmt _insertWorker;

    public WriterStatements(SqliteConnection connection)
    {
        _connection = connection;
        // IMMEDIATE, as SqliteConnection.BeginTransaction() began it: the write lock is taken at once.
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
        _insertEntry = Prepare("INSERT INTO entries (worker, idx, crc, payload) VALUES (?1, ?2, ?3, ?4)");
        _findWorker = Prepare(SqliteOplogStore.FindWorkerSql);
        _insertWorker = Prepare("INSERT INTO workers (component, name) VALUES (?1, ?2) RETURNING id");
    }

    /// <summary>Begins the batch's transaction.</summary>
    public void Begin() => Step(_begin);

    /// <summary>Commits the batch's transaction: durable when this returns (the connection's synchronous setting).</summary>
    public void Commit() => Step(_commit);

    /// <summary>Rolls back the batch's transaction, when one is open (a failed commit may have ended it already).</summary>
    public void RollbackIfOpen()
    {
        if (raw.sqlite3_get_autocommit(_connection.Handle) == 0) Step(_rollback);
    }

    /// <summary>Inserts one entry.</summary>
    public void InsertEntry(long worker, long index, long crc, ReadOnlySpan<byte> payload)
    {
        raw.sqlite3_bind_int64(_insertEntry, 1, worker);
        raw.sqlite3_bind_int64(_insertEntry, 2, index);
        raw.sqlite3_bind_int64(_insertEntry, 3, crc);
        raw.sqlite3_bind_blob(_insertEntry, 4, payload);
        Step(_insertEntry);
    }

    /// <summary>The worker's row id and whether it has a mark, or null when it has no row.</summary>
    public (long Id, bool HasMark)? FindWorker(Clay.Runtime.WorkerId worker) => ReadStatements.FindWorker(_findWorker, _connection, worker);

    /// <summary>Inserts the worker's row; returns its id.</summary>
    public long InsertWorker(Clay.Runtime.WorkerId worker)
    {
        raw.sqlite3_bind_text(_insertWorker, 1, worker.Component);
        raw.sqlite3_bind_text(_insertWorker, 2, worker.Worker);
        try
        {
            var rc = raw.sqlite3_step(_insertWorker);
            if (rc != raw.SQLITE_ROW) SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
            var id = raw.sqlite3_column_int64(_insertWorker, 0);
            // Stepped to its end once it succeeded (a step after a failure would run the insert again).
            rc = raw.sqlite3_step(_insertWorker);
            if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
            return id;
        }
        finally
        {
            raw.sqlite3_reset(_insertWorker);
        }
    }

    public void Dispose()
    {
        raw.sqlite3_finalize(_begin);
        raw.sqlite3_finalize(_commit);
        raw.sqlite3_finalize(_rollback);
        raw.sqlite3_finalize(_insertEntry);
        raw.sqlite3_finalize(_findWorker);
        raw.sqlite3_finalize(_insertWorker);
    }

    private sqlite3_stmt Prepare(string sql)
    {
        var rc = raw.sqlite3_prepare_v2(_connection.Handle, sql, out var statement);
        SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        return statement;
    }

    private void Step(sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
    }
}
