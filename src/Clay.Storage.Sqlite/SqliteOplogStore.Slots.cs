using Clay.Runtime;
using Clay.Runtime.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Clay.Storage.Sqlite;

/// <summary>
/// Workers' slots, loaded when first used. Opening the store reads no worker: a worker's row id, last
/// index and whether it has a mark are read (and the tail of its oplog verified) the first time anyone
/// asks about it, so a database with a million idle workers opens as fast as an empty one, and memory
/// holds only the workers in use: a worker that leaves memory is forgotten (<see cref="Forget"/>).
/// </summary>
/// <remarks>
/// Nothing is appended to a worker without its slot, so a slot read from the database before the
/// first append is the worker's state. Readers and the writer may both load one; the first one
/// published wins, and the writer updates it in place. The one race that matters — a reader that
/// loads a worker while the writer deletes it, and publishes after — is closed by a counter of
/// removals: a reader publishes only when no removal happened while it read.
/// </remarks>
public sealed partial class SqliteOplogStore
{
    private readonly Lock _publish = new();
    private long _removals;

    /// <summary>The slot of <paramref name="worker"/>, loaded on first use; null when the worker has no oplog row.</summary>
    private async ValueTask<WorkerSlot?> SlotAsync(WorkerId worker)
    {
        if (_workers.TryGetValue(worker, out var slot)) return slot;
        while (true)
        {
            var removals = Volatile.Read(ref _removals);
            var row = WithReader((Store: this, Worker: worker), static (reader, s) =>
                reader.FindWorker(s.Worker) is var (id, hasMark) ? s.Store.ReadTail(reader.Connection, null, id, hasMark) : null);
            if (row is null) return null;
            if (row.FirstBad != 0)
            {
                // A corrupt tail is dropped by the writer, in a transaction of its own.
                await Enqueue(new WriteOperation.Load(worker));
                if (_workers.TryGetValue(worker, out slot)) return slot;
                continue;
            }
            lock (_publish)
            {
                if (_removals == removals) return _workers.GetOrAdd(worker, new WorkerSlot(row.Id, row.LastIndex, row.HasMark));
            }
        }
    }

    /// <summary>How many workers' slots are in memory.</summary>
    internal int SlotCount => _workers.Count;

    /// <inheritdoc/>
    /// <remarks>
    /// The slot goes; the next to ask loads it again. A write already with the writer is safe: the writer
    /// loads a missing slot from the database, where every earlier batch is committed, and publishes the
    /// worker's state after its commit whether or not a slot is there. A reader that began loading before
    /// the slot went does not publish what it read (the counter of removals).
    /// </remarks>
    public void Forget(WorkerId worker)
    {
        lock (_publish)
        {
            if (_workers.TryRemove(worker, out _)) _removals++;
        }
    }

    /// <summary>What the database holds of one worker, with the first bad entry of its tail (0 when sound).</summary>
    private sealed record SlotRow(long Id, long LastIndex, bool HasMark, long FirstBad);

    /// <summary>A worker's row id and whether it has a mark, by component (<c>$c</c>) and name (<c>$n</c>).</summary>
    internal const string FindWorkerSql = "SELECT w.id, EXISTS (SELECT 1 FROM marks m WHERE m.worker = w.id) FROM workers w WHERE w.component = $c AND w.name = $n";

    /// <summary>The slot row of the worker whose row is <paramref name="id"/>, with its tail verified.</summary>
    private SlotRow ReadTail(SqliteConnection connection, SqliteTransaction? transaction, long id, bool hasMark)
    {
        using var tail = connection.CreateCommand();
        tail.Transaction = transaction;
        tail.CommandText = "SELECT idx, crc, payload FROM entries WHERE worker = $w ORDER BY idx DESC LIMIT $n";
        tail.Parameters.AddWithValue("$w", id);
        tail.Parameters.AddWithValue("$n", _options.TailVerificationDepth);
        using var rows = tail.ExecuteReader();
        long last = 0, expected = 0, firstBad = 0;
        while (rows.Read())
        {
            var index = rows.GetInt64(0);
            if (last == 0) last = expected = index;
            // Newest first: remember the oldest bad entry (or gap) seen in the tail.
            if (index != expected) firstBad = expected;
            if (rows.GetValue(2) is not byte[] payload || rows.GetValue(1) is not long crc || OplogChecksum.OfEntry(index, payload) != (uint)crc)
            {
                firstBad = index;
            }
            expected = index - 1;
        }
        return new SlotRow(id, last, hasMark, firstBad);
    }

    /// <summary>
    /// The writer's view of a worker it has no slot for: read in its own transaction, with a corrupt
    /// tail dropped there (and reported once that transaction commits).
    /// </summary>
    private PendingWorker LoadForWriter(WorkerId worker, SqliteTransaction? transaction, List<TailRepair> repairs)
    {
        // Looked up through the writer's prepared statement: a new worker (no row) costs no SQL to prepare.
        if (_statements!.FindWorker(worker) is not var (id, hasMark)) return new PendingWorker(0, 0, false);
        var row = ReadTail(_writeConnection, transaction, id, hasMark);
        var state = new PendingWorker(row.Id, row.LastIndex, row.HasMark);
        if (row.FirstBad == 0) return state;
        repairs.Add(new TailRepair(worker, row.FirstBad, row.LastIndex - row.FirstBad + 1));
        if (row.FirstBad == 1)
        {
            // No valid prefix: the worker has no oplog left.
            DeleteWorker(transaction, state);
            return state;
        }
        Run(transaction, "DELETE FROM entries WHERE worker = $w AND idx >= $i", ("$w", row.Id), ("$i", row.FirstBad));
        state.LastIndex = row.FirstBad - 1;
        return state;
    }

    /// <summary>Publishes a committed batch's worker states and the tail repairs it made.</summary>
    private void Publish(Dictionary<WorkerId, PendingWorker> pending, List<TailRepair> repairs)
    {
        lock (_publish)
        {
            foreach (var (worker, state) in pending)
            {
                if (state.Id == 0)
                {
                    if (_workers.TryRemove(worker, out _) || state.Deleted) _removals++;
                }
                else if (_workers.TryGetValue(worker, out var slot) && slot.Id == state.Id)
                {
                    slot.LastIndex = state.LastIndex;
                    slot.HasMark = state.HasMark;
                }
                else
                {
                    _workers[worker] = new WorkerSlot(state.Id, state.LastIndex, state.HasMark);
                }
            }
            foreach (var repair in repairs)
            {
                _repairs.Add(repair);
                _logger.LogWarning("Recovered a corrupt oplog tail: {Repair}", repair.ToString());
            }
        }
    }

    /// <summary>What the store knows of one worker; the writer updates it after each commit.</summary>
    private sealed class WorkerSlot(long id, long lastIndex, bool hasMark)
    {
        private long _lastIndex = lastIndex;
        private volatile bool _hasMark = hasMark;

        public long Id { get; } = id;

        public long LastIndex
        {
            get => Volatile.Read(ref _lastIndex);
            set => Volatile.Write(ref _lastIndex, value);
        }

        /// <summary>Whether the worker has a row in <c>marks</c>: without one, its mark is known without a query.</summary>
        public bool HasMark
        {
            get => _hasMark;
            set => _hasMark = value;
        }
    }
}
