using System.Collections.Concurrent;
using Clay.Runtime.Storage;
using Microsoft.Data.Sqlite;

namespace Clay.Storage.Sqlite;

/// <summary>
/// The store's read connections: pooled ones for reads of their own, and connections kept open with
/// their prepared statements for the reads every worker makes (its row, the pages of its oplog). Both
/// are counted while in use, so that closing the store can wait for reads in flight before it closes
/// what is idle.
/// </summary>
public sealed partial class SqliteOplogStore
{
    private int _reads;
    // Read connections kept open with their statements, for the next reader; at most MaxIdleReaders.
    private readonly ConcurrentBag<ReadStatements> _idleReaders = [];
    private const int MaxIdleReaders = 8;

    /// <summary>A read connection (not yet opened), counted until it is disposed.</summary>
    private ReadConnection OpenRead()
    {
        Interlocked.Increment(ref _reads);
        if (Volatile.Read(ref _disposed) != 0)
        {
            Interlocked.Decrement(ref _reads);
            throw Closed();
        }
        return new ReadConnection(_readConnectionString, () => Interlocked.Decrement(ref _reads));
    }

    /// <summary>A read connection with its kept statements, from those idle or new; counted until it is returned.</summary>
    private ReadStatements RentReader()
    {
        Interlocked.Increment(ref _reads);
        if (Volatile.Read(ref _disposed) != 0)
        {
            Interlocked.Decrement(ref _reads);
            throw Closed();
        }
        if (_idleReaders.TryTake(out var reader)) return reader;
        try
        {
            return new ReadStatements(_readConnectionString);
        }
        catch
        {
            Interlocked.Decrement(ref _reads);
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/> on a rented reader and gives the reader back: kept for the next read
    /// unless <paramref name="read"/> failed for another reason than a corrupt entry (what the rows hold
    /// is at fault then, not the connection).
    /// </summary>
    private T WithReader<TState, T>(TState state, Func<ReadStatements, TState, T> read)
    {
        var reader = RentReader();
        var broken = true;
        try
        {
            var result = read(reader, state);
            broken = false;
            return result;
        }
        catch (OplogCorruptException)
        {
            broken = false;
            throw;
        }
        finally
        {
            ReturnReader(reader, broken);
        }
    }

    /// <summary>Gives back a rented reader: kept for the next, unless it failed, enough are idle or the store is closing.</summary>
    private void ReturnReader(ReadStatements reader, bool broken)
    {
        if (broken || Volatile.Read(ref _disposed) != 0 || _idleReaders.Count >= MaxIdleReaders) reader.Dispose();
        else _idleReaders.Add(reader);
        Interlocked.Decrement(ref _reads);
        // Closing may have emptied the idle ones between the check above and the add.
        if (Volatile.Read(ref _disposed) != 0) CloseIdleReaders();
    }

    private void CloseIdleReaders()
    {
        while (_idleReaders.TryTake(out var idle)) idle.Dispose();
    }

    /// <summary>Waits (a bounded time) for reads in flight, then closes the idle readers and empties the pool of read connections.</summary>
    private async Task CloseReadsAsync()
    {
        for (var waited = 0; Volatile.Read(ref _reads) > 0 && waited < 200; waited++) await Task.Delay(10).ConfigureAwait(false);
        CloseIdleReaders();
        SqliteConnection.ClearPool(new SqliteConnection(_readConnectionString));
    }
}
