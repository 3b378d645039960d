namespace Clay.Storage.Postgres;

/// <summary>Settings of a <see cref="PostgresOplogStore"/>.</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>
    /// Where the database is: a URL (<c>postgres://USER:PASSWORD@HOST:PORT/DATABASE</c>) or an Npgsql
    /// connection string (<c>Host=…;Username=…</c>). See <see cref="PostgresConnectionString"/>.
    /// </summary>
    public required string ConnectionString { get; init; }

    /// <summary>
    /// The schema that holds Clay's tables, created when missing. Several Clay installations can
    /// share one database with a schema each. Lower-case letters, digits and underscores.
    /// </summary>
    public string Schema { get; init; } = "clay";

    /// <summary>
    /// The most entries one group commit writes in a transaction. Larger batches raise throughput
    /// under load; a lone writer is never held back waiting for a batch to fill.
    /// </summary>
    public int MaxBatchEntries { get; init; } = 8192;

    /// <summary>
    /// How many group commits may be in flight at once, each on its connection. Batches take their
    /// row locks one after another in arrival order, so appends keep their order; they then write and
    /// commit side by side, and PostgreSQL flushes their WAL records together. 1 commits one batch at a time.
    /// </summary>
    public int WriterConnections { get; init; } = 4;

    /// <summary>
    /// How long a commit whose acknowledgement was lost (the connection dropped while committing) may
    /// take to resolve: the store asks the database whether the transaction committed before it
    /// answers the appends it carried.
    /// </summary>
    public TimeSpan CommitResolutionTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
