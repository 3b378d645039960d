using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Clay.Storage.Sqlite;

/// <summary>
/// A read connection kept open with the reads every worker makes prepared once and run through
/// SQLite's own API: the lookup of its row, by component and name, and the pages of its oplog. A
/// <see cref="SqliteCommand"/> for them made a command, its parameters, a reader and its row cache
/// (and, per page, boxed values and a pooled connection opened again). Rented by one reader at a time
/// (<see cref="SqliteOplogStore"/>).
/// </summary>
internal sealed class ReadStatements : IDisposable
{
    private readonly sqlite3_stmt _findWorker;
    private readonly sqlite3_stmt _readEntries;

    public ReadStatements(string connectionString)
    {
        Connection = new SqliteConnection(connectionString);
        try
        {
            Connection.Open();
            var rc = raw.sqlite3_prepare_v2(Connection.Handle, SqliteOplogStore.FindWorkerSql, out _findWorker);
            SqliteException.ThrowExceptionForRC(rc, Connection.Handle);
            rc = raw.sqlite3_prepare_v2(Connection.Handle, ReadEntriesSql, out _readEntries);
            if (rc != raw.SQLITE_OK) raw.sqlite3_finalize(_findWorker);
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

    private const string ReadEntriesSql = "SELECT idx, crc, payload FROM entries WHERE worker = ?1 AND idx BETWEEN ?2 AND ?3 ORDER BY idx";

    /// <summary>
    /// The entries <paramref name="from"/> to <paramref name="to"/> of the worker whose row is
    /// <paramref name="workerKey"/>, each checked against its checksum.
    /// </summary>
    /// <exception cref="Clay.Runtime.Storage.OplogCorruptException">An entry is missing, is not a checksum and binary data, or does not match its checksum.</exception>
    public List<Clay.Runtime.Storage.StoredEntry> ReadEntries(Clay.Runtime.WorkerId worker, long workerKey, long from, long to)
    {
        var rows = new List<Clay.Runtime.Storage.StoredEntry>((int)Math.Min(to - from + 1, 512));
        raw.sqlite3_bind_int64(_readEntries, 1, workerKey);
        raw.sqlite3_bind_int64(_readEntries, 2, from);
        raw.sqlite3_bind_int64(_readEntries, 3, to);
        try
        {
            var expected = from;
            int rc;
            while ((rc = raw.sqlite3_step(_readEntries)) == raw.SQLITE_ROW)
            {
                var index = raw.sqlite3_column_int64(_readEntries, 0);
                if (index != expected) throw new Clay.Runtime.Storage.OplogCorruptException(worker, expected, "the entry is missing");
                if (raw.sqlite3_column_type(_readEntries, 1) != raw.SQLITE_INTEGER || raw.sqlite3_column_type(_readEntries, 2) != raw.SQLITE_BLOB)
                {
                    throw new Clay.Runtime.Storage.OplogCorruptException(worker, index, "the row does not hold a checksum and binary data");
                }
                var payload = raw.sqlite3_column_blob(_readEntries, 2).ToArray();
                if (Clay.Runtime.Storage.OplogChecksum.OfEntry(index, payload) != (uint)raw.sqlite3_column_int64(_readEntries, 1))
                {
                    throw new Clay.Runtime.Storage.OplogCorruptException(worker, index, "checksum mismatch");
                }
                rows.Add(new Clay.Runtime.Storage.StoredEntry(index, payload));
                expected++;
            }
            if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, Connection.Handle);
            if (expected <= to) throw new Clay.Runtime.Storage.OplogCorruptException(worker, expected, "the entry is missing");
            return rows;
        }
        finally
        {
            raw.sqlite3_reset(_readEntries);
        }
    }

    public void Dispose()
    {
        raw.sqlite3_finalize(_readEntries);
        raw.sqlite3_finalize(_findWorker);
        Connection.Dispose();
    }
}
