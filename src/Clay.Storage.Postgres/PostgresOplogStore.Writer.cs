using System.Diagnostics;
using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Clay.Storage.Postgres;

public sealed partial class PostgresOplogStore
{
    /// <summary>The writer's connection; dropped after a failure and opened again by the next batch.</summary>
    private NpgsqlConnection? _writer;

    /// <summary>The process id of the writer's server backend, for tests that cut the connection.</summary>
    internal int WriterBackendId => _writer?.ProcessID ?? 0;

    /// <summary>
    /// For tests: runs after each COMMIT the server answered, and may throw to play a connection lost
    /// before that answer arrived (which no test can time against a real server).
    /// </summary>
    internal Func<Task>? AfterCommitForTests { get; set; }

    private async Task WriterLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<WriteOperation>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            var size = 0;
            while (size < _options.MaxBatchEntries && reader.TryRead(out var operation))
            {
                batch.Add(operation);
                size += operation.Size;
            }
            if (batch.Count > 0) await CommitAsync(batch, size).ConfigureAwait(false);
        }
        if (_writer is not null) await _writer.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Writes one batch in one transaction and answers every operation in it.</summary>
    private async Task CommitAsync(List<WriteOperation> batch, int size)
    {
        var started = Stopwatch.GetTimestamp();
        var commit = new OplogCommit(batch);
        var accepted = new List<WriteOperation>(batch.Count);
        List<(WriteOperation.Append Append, long LastIndex)> refused = [];
        string? transactionId = null;
        var committing = false;
        try
        {
            var connection = _writer ??= await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
            transactionId = await LockAsync(connection, commit).ConfigureAwait(false);
            refused = commit.Decide(accepted);
            await using var writes = new NpgsqlBatch(connection);
            commit.AddWriteStatements(writes, _sql);
            writes.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            committing = true;
            await writes.ExecuteNonQueryAsync().ConfigureAwait(false);
            if (AfterCommitForTests is { } afterCommit) await afterCommit().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Whatever failed, this connection's state is unknown: the next batch starts on a new one.
            await DropWriterAsync().ConfigureAwait(false);
            var outcome = committing && transactionId is not null
                ? await ResolveAsync(transactionId).ConfigureAwait(false)
                : CommitOutcome.Aborted;
            if (outcome != CommitOutcome.Committed)
            {
                _logger.LogError(ex, "Group commit of {Operations} oplog writes failed ({Outcome})", batch.Count, outcome);
                var failure = new ClayException(ErrorCodes.StorageUnavailable, outcome == CommitOutcome.Unknown
                    ? $"the oplog write may or may not have been stored: the connection to PostgreSQL at {_description} was lost while committing and the outcome could not be learnt ({ex.Message}); reload the worker from its oplog"
                    : $"the oplog write could not be made durable in PostgreSQL at {_description}: {ex.Message}", ex);
                foreach (var operation in batch) operation.Completion.TrySetException(failure);
                return;
            }
            _logger.LogWarning(ex, "The connection to PostgreSQL dropped while committing {Operations} oplog writes; the transaction had committed", batch.Count);
        }
        Statistics.Record(accepted.Count, size, commit.Bytes, Stopwatch.GetTimestamp() - started);
        foreach (var (append, lastIndex) in refused)
        {
            append.Completion.TrySetException(new OplogConflictException(append.Worker, append.FirstIndex, lastIndex));
        }
        foreach (var operation in accepted) operation.Completion.TrySetResult();
    }

    /// <summary>The first round trip: begins the transaction, creates and locks the workers' rows, reads their fences. Returns the transaction id.</summary>
    private async Task<string?> LockAsync(NpgsqlConnection connection, OplogCommit commit)
    {
        await using var locks = new NpgsqlBatch(connection);
        locks.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        commit.AddLockStatements(locks, _sql);
        locks.BatchCommands.Add(new NpgsqlBatchCommand(StoreSql.TransactionId));
        string? transactionId = null;
        await using var rows = await locks.ExecuteReaderAsync().ConfigureAwait(false);
        do
        {
            // Statements without rows (BEGIN, INSERT) have no fields; the locks have four, the id one.
            while (rows.FieldCount > 0 && await rows.ReadAsync().ConfigureAwait(false))
            {
                if (rows.FieldCount == 1) transactionId = rows.GetString(0);
                else commit.Locked(new WorkerId(rows.GetString(1), rows.GetString(2)), rows.GetInt64(0), rows.GetInt64(3));
            }
        }
        while (await rows.NextResultAsync().ConfigureAwait(false));
        return transactionId;
    }

    private async Task DropWriterAsync()
    {
        var writer = _writer;
        _writer = null;
        if (writer is null) return;
        try
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
        {
            _logger.LogDebug(ex, "Closing a failed writer connection");
        }
    }

    private enum CommitOutcome { Committed, Aborted, Unknown }

    /// <summary>
    /// Learns whether a transaction whose COMMIT went unanswered committed, asking on a new connection
    /// until the database says (an aborting backend reports 'in progress' until it has finished) or
    /// <see cref="PostgresStoreOptions.CommitResolutionTimeout"/> passes.
    /// </summary>
    private async Task<CommitOutcome> ResolveAsync(string transactionId)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_options.CommitResolutionTimeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            try
            {
                await using var command = _dataSource.CreateCommand(StoreSql.TransactionStatus);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = transactionId });
                switch (await command.ExecuteScalarAsync().ConfigureAwait(false) as string)
                {
                    case "committed": return CommitOutcome.Committed;
                    case "aborted": return CommitOutcome.Aborted;
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
            {
                _logger.LogDebug(ex, "Asking whether transaction {TransactionId} committed", transactionId);
            }
            if (Stopwatch.GetTimestamp() > deadline) return CommitOutcome.Unknown;
            await Task.Delay(TimeSpan.FromMilliseconds(20)).ConfigureAwait(false);
        }
    }
}
