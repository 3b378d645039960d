using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Server.Workers;
using Npgsql;

namespace Clay.Server.Cluster;

/// <summary>
/// The per-component worker limit of a cluster, counted in the database so that every node sees the
/// same count. Admitting a worker is one conditional increment of the component's row in
/// <c>worker_counts</c>. When that finds the component full (or not counted yet), the count is taken
/// again from the oplog store's <c>workers</c> table under a lock, and the increment tried once more:
/// so a count that drifted (a creation that failed after it was admitted, a deletion whose decrement
/// was lost) is corrected exactly when it matters, and the limit holds up to the creations in flight
/// at that moment.
/// </summary>
public sealed class PostgresWorkerQuota(ClusterDatabase database, long maxWorkersPerComponent, ILogger<PostgresWorkerQuota> logger) : IWorkerQuota
{
    private static readonly string Increment = ClusterDatabase.Sql(
        "UPDATE {s}.worker_counts SET count = count + 1 WHERE component = $1 AND count < $2 RETURNING count");

    private const string Lock = "SELECT pg_advisory_xact_lock(hashtextextended('clay-worker-count:' || $1, 0))";

    private static readonly string Recount = ClusterDatabase.Sql("""
        INSERT INTO {s}.worker_counts (component, count)
        SELECT $1, count(*) FROM {s}.workers WHERE component = $1 AND last_index > 0
        ON CONFLICT (component) DO UPDATE SET count = EXCLUDED.count
        RETURNING count
        """);

    private static readonly string Decrement = ClusterDatabase.Sql(
        "UPDATE {s}.worker_counts SET count = GREATEST(count - 1, 0) WHERE component = $1");

    /// <inheritdoc/>
    public async ValueTask AdmitAsync(WorkerId worker, CancellationToken cancellationToken)
    {
        try
        {
            if (await TryIncrementAsync(worker.Component, cancellationToken)) return;
            var count = await RecountAsync(worker.Component, cancellationToken);
            if (count < maxWorkersPerComponent && await TryIncrementAsync(worker.Component, cancellationToken)) return;
            throw new ClayException(ErrorCodes.TooManyWorkers,
                $"component {worker.Component} already has {count:N0} workers; the limit is {maxWorkersPerComponent:N0} (--max-workers): delete some or raise the limit");
        }
        catch (NpgsqlException ex)
        {
            throw new ClayException(ErrorCodes.StorageUnavailable,
                $"cannot count the workers of {worker.Component} in PostgreSQL at {database.Description}: {ex.Message}", ex);
        }
    }

    /// <inheritdoc/>
    public void Release(WorkerId worker) => _ = ReleaseAsync(worker);

    private async Task ReleaseAsync(WorkerId worker)
    {
        try
        {
            await using var command = database.DataSource.CreateCommand(Decrement);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = worker.Component });
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException ex)
        {
            // The next time the component is full its count is taken again from the workers themselves.
            logger.LogWarning("The worker count of {Component} was not lowered after deleting {Worker}: {Problem}", worker.Component, worker, ex.Message);
        }
    }

    private async Task<bool> TryIncrementAsync(string component, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(Increment);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = component });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = maxWorkersPerComponent });
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private async Task<long> RecountAsync(string component, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var locking = new NpgsqlCommand(Lock, connection))
        {
            locking.Parameters.Add(new NpgsqlParameter<string> { TypedValue = component });
            await locking.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var command = new NpgsqlCommand(Recount, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = component });
        var count = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return count;
    }
}
