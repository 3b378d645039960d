using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Clay.Storage.Sqlite;

/// <summary>
/// A read connection kept open with the lookup every new worker makes — its row, by component and
/// name — prepared once and run through SQLite's own API. A <see cref="SqliteCommand"/> for it made a
/// command, its parameters, a reader and its row cache for each worker first asked about (most of
/// them new, with no row at all). Rented by one reader at a time (<see cref="SqliteOplogStore"/>).
/// </summary>
internal sealed class ReadStatements : IDisposable
{
    private readonly sqlite3_stmt _findWorker;

    public ReadStatements(string connectionString)
    {
        Connection = new SqliteConnection(connectionString);
        try
        {
            Connection.Open();
            var rc = raw.sqlite3_prepare_v2(Connection.Handle, SqliteOplogStore.FindWorkerSql, out _findWorker);
            SqliteException.ThrowExceptionForRC(rc, Connection.Handle);
        }
        catch
        {
            Connection.Dispose();
            throw;
        }
    }

    /// <summary>The open connection, for the statements that are not kept here.</summary>
    public SqliteConnection Connection { get; }

    /// <summary>The worker's row id and whether it has a mark, or null when it has no row.</summary>
    public (long Id, bool HasMark)? FindWorker(Clay.Runtime.WorkerId worker) => FindWorker(_findWorker, Connection, worker);

    /// <summary>Runs <see cref="SqliteOplogStore.FindWorkerSql"/>, prepared as <paramref name="statement"/> on <paramref name="connection"/>.</summary>
    internal static (long Id, bool HasMark)? FindWorker(sqlite3_stmt statement, SqliteConnection connection, Clay.Runtime.WorkerId worker)
    {
        // Named parameters are numbered as they appear: $c is 1, $n is 2.
        raw.sqlite3_bind_text(statement, 1, worker.Component);
        raw.sqlite3_bind_text(statement, 2, worker.Worker);
        try
        {
            var rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_DONE) return null;
            if (rc != raw.SQLITE_ROW) SqliteException.ThrowExceptionForRC(rc, connection.Handle);
            return (raw.sqlite3_column_int64(statement, 0), raw.sqlite3_column_int64(statement, 1) != 0);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    public void Dispose()
    {
        raw.sqlite3_finalize(_findWorker);
        Connection.Dispose();
    }
}
