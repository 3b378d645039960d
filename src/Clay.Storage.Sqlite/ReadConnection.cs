using Microsoft.Data.Sqlite;

namespace Clay.Storage.Sqlite;

/// <summary>
/// A pooled read connection the store counts while it is open, so that closing the store can wait
/// for reads in flight before it empties the pool: a connection returned to the pool after that
/// would keep the database open, and a clean stop would leave its WAL behind.
/// </summary>
internal sealed class ReadConnection : SqliteConnection
{
    private readonly Action _closed;
    private int _disposed;

    public ReadConnection(string connectionString, Action closed)
        : base(connectionString)
    {
        _closed = closed;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Interlocked.Exchange(ref _disposed, 1) == 0) _closed();
    }
}
