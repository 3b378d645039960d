using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Clay.Runtime;
using Clay.Runtime.Errors;
using Clay.Runtime.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Clay.Storage.Sqlite;

public sealed partial class SqliteOplogStore
{
    /// <summary>A write waiting for the writer thread.</summary>
    private abstract record WriteOperation(WorkerId Worker) : IThreadPoolWorkItem
    {
        private Exception? _error;

        /// <summary>
        /// Set through <see cref="Complete"/>, which runs the waiter's continuation on the thread pool,
        /// or <see cref="CompleteHere"/>, which runs it on the writer thread.
        /// </summary>
        public TaskCompletionSource Completion { get; } = new();

        /// <summary>Completes the operation from the thread pool: the writer goes on writing meanwhile.</summary>
        public void Complete(Exception? error = null)
        {
            _error = error;
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        /// <summary>
        /// Completes the operation on this thread, which runs its waiter's continuation up to its next
        /// wait: one thread hand-off less on the path of a lone writer's commit.
        /// </summary>
        public void CompleteHere() => Completion.TrySetResult();

        void IThreadPoolWorkItem.Execute()
        {
            if (_error is null) Completion.TrySetResult();
            else Completion.TrySetException(_error);
        }

        public virtual int Size => 1;

        public sealed record Append(WorkerId Worker, long FirstIndex, IReadOnlyList<ReadOnlyMemory<byte>> Entries, WorkerMark? Mark)
            : WriteOperation(Worker)
        {
            public override int Size => Entries.Count;
        }

        public sealed record Wake(WorkerId Worker, DateTimeOffset WakeAt) : WriteOperation(Worker);

        public sealed record CompletePromise(WorkerId Worker, long Promise, ReadOnlyMemory<byte> Value, DateTimeOffset WakeAt) : WriteOperation(Worker)
        {
            /// <summary>Set before completion: whether this operation stored the completion.</summary>
            public bool Completed { get; set; }
        }

        public sealed record Delete(WorkerId Worker) : WriteOperation(Worker);

        /// <summary>Loads the worker's slot on the writer, which drops a corrupt tail it finds.</summary>
        public sealed record Load(WorkerId Worker) : WriteOperation(Worker);

        public sealed record Truncate(WorkerId Worker, long FromIndex) : WriteOperation(Worker);
    }

    /// <summary>The state of one worker inside the batch being written, published on commit.</summary>
    private sealed class PendingWorker(long id, long lastIndex, bool hasMark)
    {
        public long Id { get; set; } = id;
        public long LastIndex { get; set; } = lastIndex;
        public bool HasMark { get; set; } = hasMark;
        public bool Deleted { get; set; }
    }

    /// <summary>The writer thread's prepared statements, while it runs.</summary>
    private WriterStatements? _statements;

    private void WriterLoop()
    {
        using var statements = _statements = new WriterStatements(_writeConnection);

        var previousBatch = 0;
        var batch = new List<WriteOperation>();
        var accepted = new List<WriteOperation>();
        var pending = new Dictionary<WorkerId, PendingWorker>();
        var repairs = new List<TailRepair>();
        var refused = new List<(WriteOperation Operation, Exception Error)>();
        var reader = _queue.Reader;
        while (WaitForWork(reader))
        {
            if (Volatile.Read(ref _crashed) != 0)
            {
                while (reader.TryRead(out var dropped)) dropped.Complete(Crashed());
                return;
            }
            batch.Clear();
            accepted.Clear();
            pending.Clear();
            repairs.Clear();
            refused.Clear();
            var size = 0;
            Drain(reader, batch, ref size);
            if (batch.Count == 0) continue;
            // Commit delay: when the last batch was shared by many writers and fewer have arrived yet,
            // give them a moment (at most CommitDelay) to join this one, so one fsync serves them all.
            // A lone writer (last batch below CommitSiblings) never waits.
            if (previousBatch >= CommitSiblings && batch.Count < previousBatch / 2)
            {
                var deadline = Stopwatch.GetTimestamp() + CommitDelayTicks;
                while (batch.Count < previousBatch / 2 && size < _options.MaxBatchEntries && Stopwatch.GetTimestamp() < deadline)
                {
                    Thread.Yield();
                    Drain(reader, batch, ref size);
                }
            }
            previousBatch = batch.Count;

            var writeStarted = Stopwatch.GetTimestamp();
            long bytes = 0;
            try
            {
                // The commands run inside the transaction begun here (no SqliteTransaction is open on the connection).
                SqliteTransaction? transaction = null;
                statements.Begin();
                foreach (var operation in batch)
                {
                    var state = Pending(pending, operation.Worker, transaction, repairs);
                    switch (operation)
                    {
                        case WriteOperation.Append append:
                            if (append.FirstIndex != state.LastIndex + 1)
                            {
                                // Told after the commit: the last index it names may come from a tail dropped in this batch.
                                refused.Add((operation, new OplogConflictException(append.Worker, append.FirstIndex, state.LastIndex)));
                                continue;
                            }
                            // A mark alone is for a worker that has an oplog; none is created for it.
                            if (state.Id == 0 && append.Entries.Count == 0) break;
                            if (state.Id == 0) state.Id = statements.InsertWorker(append.Worker);
                            for (var i = 0; i < append.Entries.Count; i++)
                            {
                                var index = append.FirstIndex + i;
                                var payload = append.Entries[i];
                                statements.InsertEntry(state.Id, index, (long)OplogChecksum.OfEntry(index, payload.Span), payload.Span);
                                bytes += payload.Length;
                            }
                            state.LastIndex = append.FirstIndex + append.Entries.Count - 1;
                            state.Deleted = false;
                            if (append.Mark is { } mark)
                            {
                                WriteMark(transaction, state.Id, mark);
                                state.HasMark = !mark.IsIdle;
                            }
                            break;
                        case WriteOperation.Wake wake:
                            if (state.Id == 0) break;
                            WakeMark(transaction, state.Id, wake.WakeAt);
                            state.HasMark = true;
                            break;
                        case WriteOperation.CompletePromise complete:
                            if (state.Id == 0) break;
                            complete.Completed = CompletePromise(transaction, state.Id, complete);
                            if (!complete.Completed) break;
                            WakeMark(transaction, state.Id, complete.WakeAt);
                            state.HasMark = true;
                            break;
                        case WriteOperation.Load:
                            break;
                        case WriteOperation.Truncate truncate when truncate.FromIndex <= 1:
                            // Nothing would be left: the worker has no oplog any more.
                            DeleteWorker(transaction, state);
                            break;
                        case WriteOperation.Truncate truncate:
                            if (state.Id != 0 && truncate.FromIndex <= state.LastIndex)
                            {
                                Run(transaction, "DELETE FROM entries WHERE worker = $w AND idx >= $i", ("$w", state.Id), ("$i", truncate.FromIndex));
                                state.LastIndex = truncate.FromIndex - 1;
                            }
                            break;
                        case WriteOperation.Delete:
                            DeleteWorker(transaction, state);
                            break;
                    }
                    accepted.Add(operation);
                }
                BeforeCommit?.Invoke();
                statements.Commit();
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
            {
                try
                {
                    statements.RollbackIfOpen();
                }
                catch (SqliteException rollback)
                {
                    _logger.LogError(rollback, "Rolling back a failed group commit failed");
                }
                _logger.LogError(ex, "Group commit of {Operations} oplog writes failed", batch.Count);
                var failure = new ClayException(ErrorCodes.StorageUnavailable, $"the oplog write could not be made durable: {ex.Message}", ex);
                foreach (var operation in batch) operation.Complete(failure);
                continue;
            }

            Publish(pending, repairs);
            foreach (var (operation, error) in refused) operation.Complete(error);
            Statistics.Record(accepted.Count, size, bytes, Stopwatch.GetTimestamp() - writeStarted);
            if (Volatile.Read(ref _crashed) != 0)
            {
                // Committed, but the process "died" before telling anyone.
                foreach (var operation in accepted) operation.Complete(Crashed());
                continue;
            }
            // A lone operation (nobody else is waiting for the writer) is handed back on this thread,
            // the waiter's continuation running until its next wait; the others of a shared batch from the
            // thread pool, so that the next batch is not held up by their continuations.
            if (accepted.Count == 1 && batch.Count == 1) accepted[0].CompleteHere();
            else foreach (var operation in accepted) operation.Complete();
        }
    }

    /// <summary>Blocks until an operation is queued; false once the queue is completed and empty.</summary>
    private bool WaitForWork(ChannelReader<WriteOperation> reader)
    {
        while (true)
        {
            if (reader.TryPeek(out _)) return true;
            if (reader.Completion.IsCompleted) return false;
            _work.Wait();
            _work.Reset();
        }
    }

    /// <summary>How many operations the last batch must have had for the writer to wait for company.</summary>
    private const int CommitSiblings = 8;

    /// <summary>The longest the writer waits for more operations to join a batch: 200 µs.</summary>
    private static readonly long CommitDelayTicks = Stopwatch.Frequency / 5000;

    private void Drain(ChannelReader<WriteOperation> reader, List<WriteOperation> batch, ref int size)
    {
        while (size < _options.MaxBatchEntries && reader.TryRead(out var operation))
        {
            batch.Add(operation);
            size += operation.Size;
        }
    }

    private PendingWorker Pending(Dictionary<WorkerId, PendingWorker> pending, WorkerId worker, SqliteTransaction? transaction, List<TailRepair> repairs)
    {
        if (pending.TryGetValue(worker, out var state)) return state;
        state = _workers.TryGetValue(worker, out var slot)
            ? new PendingWorker(slot.Id, slot.LastIndex, slot.HasMark)
            : LoadForWriter(worker, transaction, repairs);
        pending[worker] = state;
        return state;
    }

    /// <summary>Deletes everything of the worker: a row in <c>workers</c> always has entries.</summary>
    private void DeleteWorker(SqliteTransaction? transaction, PendingWorker state)
    {
        if (state.Id != 0)
        {
            Run(transaction, "DELETE FROM entries WHERE worker = $w", ("$w", state.Id));
            Run(transaction, "DELETE FROM marks WHERE worker = $w", ("$w", state.Id));
            Run(transaction, "DELETE FROM promises WHERE worker = $w", ("$w", state.Id));
            Run(transaction, "DELETE FROM workers WHERE id = $w", ("$w", state.Id));
        }
        state.Id = 0;
        state.LastIndex = 0;
        state.HasMark = false;
        state.Deleted = true;
    }


    private void Run(SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = _writeConnection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }
}
