using System.Diagnostics;
using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Clay.Storage.Postgres;

public sealed partial class PostgresOplogStore
{
    /// <summary>
    /// For tests: runs after each COMMIT the server answered, and may throw to play a connection lost
    /// before that answer arrived (which no test can time against a real server).
    /// </summary>
    internal Func<Task>? AfterCommitForTests { get; set; }

    /// <summary>
    /// Takes batches in arrival order and runs each one's first round trip (its row locks) before
    /// taking the next, so a later batch queues behind an earlier one on every worker they share.
    /// The second round trip (writes and COMMIT) runs while the next batch gathers and locks, on up to
    /// <see cref="PostgresStoreOptions.WriterConnections"/> connections.
    /// </summary>
    private async Task WriterLoopAsync()
    {
        var reader = _queue.Reader;
        var lanes = new Stack<WriterLane>(Enumerable.Range(0, Math.Max(1, _options.WriterConnections)).Select(_ => new WriterLane()));
        using var free = new SemaphoreSlim(lanes.Count);
        var inFlight = new HashSet<Task>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var batch = new List<WriteOperation>();
            var size = 0;
            while (size < _options.MaxBatchEntries && reader.TryRead(out var operation))
            {
                batch.Add(operation);
                size += operation.Size;
            }
            if (batch.Count == 0) continue;
            await free.WaitAsync().ConfigureAwait(false);
            WriterLane lane;
            lock (lanes) lane = lanes.Pop();
            var pending = await LockAsync(lane, batch, size).ConfigureAwait(false);
            var finishing = pending is null ? Task.CompletedTask : FinishAsync(lane, pending);
            lock (inFlight) inFlight.Add(finishing);
            _ = finishing.ContinueWith(done =>
            {
                lock (inFlight) inFlight.Remove(done);
                lock (lanes) lanes.Push(lane);
                free.Release();
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        Task[] remaining;
        lock (inFlight) remaining = [.. inFlight];
        await Task.WhenAll(remaining).ConfigureAwait(false);
        foreach (var lane in lanes) await DropConnectionAsync(lane).ConfigureAwait(false);
    }

    /// <summary>
    /// The first round trip: begins the transaction, creates and locks the workers' rows, reads their
    /// fences and decides every operation. Null when it failed (the batch's operations have failed).
    /// </summary>
    private async Task<PendingCommit?> LockAsync(WriterLane lane, List<WriteOperation> batch, int size)
    {
        var pending = new PendingCommit(batch, size, new OplogCommit(batch), Stopwatch.GetTimestamp());
        try
        {
            var connection = lane.Connection ??= await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using var locks = new NpgsqlBatch(connection);
            locks.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            pending.Commit.AddLockStatements(locks, _sql);
            locks.BatchCommands.Add(new NpgsqlBatchCommand(StoreSql.TransactionId));
            // Under the workers' locks no other writer can store a completion of their promises:
            // those already stored now are the ones a completion in this batch must not overwrite.
            pending.Commit.AddPromiseLookup(locks, _sql);
            await using (var rows = await locks.ExecuteReaderAsync().ConfigureAwait(false))
            {
                // The results with fields, in statement order (BEGIN has none): created ids, locked rows,
                // transaction id, and the promises already completed when the batch completes some.
                var result = 0;
                do
                {
                    if (rows.FieldCount == 0) continue;
                    while (await rows.ReadAsync().ConfigureAwait(false))
                    {
                        switch (result)
                        {
                            case 0: pending.Commit.Created(rows.GetInt64(0)); break;
                            case 1: pending.Commit.Locked(new WorkerId(rows.GetString(1), rows.GetString(2)), rows.GetInt64(0), rows.GetInt64(3)); break;
                            case 2: pending.TransactionId = rows.GetString(0); break;
                            default: pending.Commit.AlreadyCompleted(new WorkerId(rows.GetString(0), rows.GetString(1)), rows.GetInt64(2)); break;
                        }
                    }
                    result++;
                }
                while (await rows.NextResultAsync().ConfigureAwait(false));
            }
            pending.Refused = pending.Commit.Decide(pending.Accepted);
            return pending;
        }
        catch (Exception ex)
        {
            await DropConnectionAsync(lane).ConfigureAwait(false);
            Fail(batch, ex, CommitOutcome.Aborted);
            return null;
        }
    }

    /// <summary>The second round trip: writes what was accepted, commits, and answers every operation.</summary>
    private async Task FinishAsync(WriterLane lane, PendingCommit pending)
    {
        try
        {
            await using var writes = new NpgsqlBatch(lane.Connection!);
            pending.Commit.AddWriteStatements(writes, _sql);
            writes.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await writes.ExecuteNonQueryAsync().ConfigureAwait(false);
            if (AfterCommitForTests is { } afterCommit) await afterCommit().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Whatever failed, this connection's state is unknown: the lane starts again on a new one.
            await DropConnectionAsync(lane).ConfigureAwait(false);
            var outcome = pending.TransactionId is null ? CommitOutcome.Unknown : await ResolveAsync(pending.TransactionId).ConfigureAwait(false);
            if (outcome != CommitOutcome.Committed)
            {
                Fail(pending.Batch, ex, outcome);
                return;
            }
            _logger.LogWarning(ex, "The connection to PostgreSQL dropped while committing {Operations} oplog writes; the transaction had committed", pending.Batch.Count);
        }
        Statistics.Record(pending.Accepted.Count, pending.Size, pending.Commit.Bytes, Stopwatch.GetTimestamp() - pending.Started);
        foreach (var (append, lastIndex) in pending.Refused)
        {
            append.Completion.TrySetException(new OplogConflictException(append.Worker, append.FirstIndex, lastIndex));
        }
        foreach (var operation in pending.Accepted) operation.Completion.TrySetResult();
    }

    private void Fail(List<WriteOperation> batch, Exception ex, CommitOutcome outcome)
    {
        _logger.LogError(ex, "Group commit of {Operations} oplog writes failed ({Outcome})", batch.Count, outcome);
        var failure = new ClayException(ErrorCodes.StorageUnavailable, outcome == CommitOutcome.Unknown
            ? $"the oplog write may or may not have been stored: the connection to PostgreSQL at {_description} was lost while committing and the outcome could not be learnt ({ex.Message}); reload the worker from its oplog"
            : $"the oplog write could not be made durable in PostgreSQL at {_description}: {ex.Message}", ex);
        foreach (var operation in batch) operation.Completion.TrySetException(failure);
    }

    private async Task DropConnectionAsync(WriterLane lane)
    {
        var connection = lane.Connection;
        lane.Connection = null;
        if (connection is null) return;
        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
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

    /// <summary>One of the writer's connections, used by one batch at a time.</summary>
    private sealed class WriterLane
    {
        public NpgsqlConnection? Connection { get; set; }
    }

    /// <summary>A batch between its two round trips: locked and decided, not yet written.</summary>
    private sealed class PendingCommit(List<WriteOperation> batch, int size, OplogCommit commit, long started)
    {
        public List<WriteOperation> Batch { get; } = batch;
        public int Size { get; } = size;
        public OplogCommit Commit { get; } = commit;
        public long Started { get; } = started;
        public string? TransactionId { get; set; }
        public List<WriteOperation> Accepted { get; } = [];
        public List<(WriteOperation.Append Append, long LastIndex)> Refused { get; set; } = [];
    }
}
