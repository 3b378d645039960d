using System.Diagnostics;

namespace Clay.Runtime.Storage;

/// <summary>Counters of a durable oplog store's group commits, for benchmarks and diagnostics.</summary>
public sealed class GroupCommitStatistics
{
    private long _commits;
    private long _operations;
    private long _entries;
    private long _writeTicks;
    private long _bytes;

    /// <summary>Transactions committed.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Write operations (appends, deletes, truncations) committed.</summary>
    public long Operations => Interlocked.Read(ref _operations);

    /// <summary>Operations plus entries written, as counted for batching.</summary>
    public long Entries => Interlocked.Read(ref _entries);

    /// <summary>Total time spent writing and committing transactions.</summary>
    public TimeSpan WriteTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _writeTicks));

    /// <summary>Entry bytes written (payloads, without row overhead).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Records one committed transaction; called by the store's writer after each commit.</summary>
    /// <param name="operations">The write operations it carried.</param>
    /// <param name="entries">Operations plus entries, as counted for batching.</param>
    /// <param name="bytes">Entry bytes written.</param>
    /// <param name="writeTicks">Stopwatch ticks spent writing and committing.</param>
    public void Record(int operations, int entries, long bytes, long writeTicks)
    {
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Add(ref _writeTicks, writeTicks);
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _operations, operations);
        Interlocked.Add(ref _entries, entries);
    }
}
