using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Clay.Storage.Sqlite;

/// <summary>
/// The statements the writer thread runs on every commit — begin, insert an entry, commit — prepared
/// once on the write connection and run through SQLite's own API. Going through
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

    public WriterStatements(SqliteConnection connection)
    {
        _connection = connection;
        // IMMEDIATE, as SqliteConnection.BeginTransaction() began it: the write lock is taken at once.
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
        _insertEntry = Prepare("INSERT INTO entries (worker, idx, crc, payload) VALUES (?1, ?2, ?3, ?4)");
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

    public void Dispose()
    {
        raw.sqlite3_finalize(_begin);
        raw.sqlite3_finalize(_commit);
        raw.sqlite3_finalize(_rollback);
        raw.sqlite3_finalize(_insertEntry);
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
