namespace Clay.Storage.Sqlite;

/// <summary>Settings of a <see cref="SqliteOplogStore"/>.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The database file; created with its directory when missing.</summary>
    public required string DatabasePath { get; init; }

    /// <summary>
    /// The most entries one group commit writes in a transaction. Larger batches raise throughput
    /// under load; a lone writer is never held back waiting for a batch to fill.
    /// </summary>
    public int MaxBatchEntries { get; init; } = 8192;

    /// <summary>How many of each worker's last entries are verified when the store opens.</summary>
    public int TailVerificationDepth { get; init; } = 16;

    /// <summary>
    /// The most the database file may grow to, in bytes (0: no cap besides the disk). A write that
    /// would pass it fails like a full disk, with <c>storage-unavailable</c>, and nothing of it is kept.
    /// </summary>
    public long MaxDatabaseBytes { get; init; }

    /// <summary>
    /// Whether the write-ahead log is laid out at its working size when the store opens, so that
    /// commits overwrite blocks the file already has instead of growing it (see
    /// <see cref="SqliteOplogStore"/>). On by default; it costs one write of about 34 MiB at start.
    /// </summary>
    public bool PreallocateWal { get; init; } = true;

    /// <summary>
    /// SQLite's <c>synchronous</c> setting. Only <see cref="SqliteSynchronous.Full"/> (the default) makes
    /// every acknowledged commit durable. Lower settings exist to show that the power-loss tests notice
    /// the difference; they are taken from the environment variable
    /// <c>CLAY_UNSAFE_SQLITE_SYNCHRONOUS</c> (<c>normal</c> or <c>off</c>) when it is set, and the store
    /// logs a warning when it opens with one. Never use them for data you want to keep.
    /// </summary>
    public SqliteSynchronous Synchronous { get; init; } = SqliteSynchronousSetting.FromEnvironment();
}
