using System.Runtime.InteropServices;
using Clay.Runtime;
using Clay.Runtime.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Clay.Storage.Postgres;

/// <summary>
/// One group commit's oplog writes: which workers to lock, what each operation does against the
/// fences read under those locks, and the statements that make the outcome durable.
/// </summary>
/// <remarks>
/// The operations run in arrival order against each worker's locked <c>last_index</c>, exactly as they
/// would one transaction each: an append that does not follow the fence is refused (and changes
/// nothing), the next one of the same worker is judged against the fence as it then stands. What is
/// left is folded into set-based statements: per worker, one cut (the lowest index a truncation or
/// deletion removed from stored entries), the entries that survive, and the new fence.
/// </remarks>
internal sealed class OplogCommit
{
    private readonly IReadOnlyList<WriteOperation> _operations;
    private readonly Dictionary<WorkerId, WorkerChange> _workers = [];
    private readonly HashSet<long> _created = [];

    public OplogCommit(IReadOnlyList<WriteOperation> operations)
    {
        _operations = operations;
        foreach (var operation in operations)
        {
            ref var change = ref CollectionsMarshal.GetValueRefOrAddDefault(_workers, operation.Worker, out _);
            change ??= new WorkerChange();
        }
    }

    /// <summary>Entry bytes the accepted appends write.</summary>
    public long Bytes { get; private set; }

    /// <summary>
    /// Adds the first round trip's statements after the caller's BEGIN: create the rows that are
    /// missing (<see cref="Created"/> reads what it returns), then lock every row (<see cref="Locked"/>).
    /// </summary>
    public void AddLockStatements(NpgsqlBatch batch, StoreSql sql)
    {
        batch.BatchCommands.Add(WorkerKeys(sql.CreateWorkers, _workers.Keys));
        batch.BatchCommands.Add(WorkerKeys(sql.LockWorkers, _workers.Keys));
    }

    /// <summary>Adds the lookup of the batch's promises that are already completed, when it completes any.</summary>
    public void AddPromiseLookup(NpgsqlBatch batch, StoreSql sql)
    {
        var completions = _operations.OfType<WriteOperation.CompletePromise>().ToList();
        if (completions.Count == 0) return;
        batch.BatchCommands.Add(Command(sql.CompletedPromises, completions.Select(c => c.Worker.Component).ToArray(),
            completions.Select(c => c.Worker.Worker).ToArray(), completions.Select(c => c.Promise).ToArray()));
    }

    /// <summary>Records a promise found completed by <see cref="AddPromiseLookup"/>.</summary>
    public void AlreadyCompleted(WorkerId worker, long promise) => _workers[worker].StoredPromises.Add(promise);

    /// <summary>Notes a row this transaction created: dropped again if no entry ends up in it.</summary>
    public void Created(long id) => _created.Add(id);

    /// <summary>Records a locked worker's row and fence, read by <see cref="StoreSql.LockWorkers"/>.</summary>
    public void Locked(WorkerId worker, long id, long lastIndex)
    {
        var change = _workers[worker];
        change.Id = id;
        change.StoredLast = change.Last = lastIndex;
    }

    /// <summary>
    /// Runs the operations against the locked fences. Refused appends are returned with the fence they
    /// missed; every other operation is accepted.
    /// </summary>
    public List<(WriteOperation.Append Append, long LastIndex)> Decide(List<WriteOperation> accepted)
    {
        var refused = new List<(WriteOperation.Append, long)>();
        foreach (var operation in _operations)
        {
            var change = _workers[operation.Worker];
            switch (operation)
            {
                case WriteOperation.Append append:
                    if (append.FirstIndex != change.Last + 1 || change.Id == 0)
                    {
                        refused.Add((append, change.Last));
                        continue;
                    }
                    for (var i = 0; i < append.Entries.Count; i++) change.Added.Add((append.FirstIndex + i, append.Entries[i]));
                    change.Last = append.FirstIndex + append.Entries.Count - 1;
                    change.Deleted = false;
                    if (append.Mark is { } mark) change.Mark = mark;
                    break;
                case WriteOperation.Wake wake:
                    if (change.Id != 0 && change.StoredLast > 0) change.Wake(wake.WakeAt);
                    break;
                case WriteOperation.CompletePromise complete:
                    // The first completion of a promise in the batch is the one that may store it.
                    if (change.Id != 0 && change.StoredLast > 0 && !change.StoredPromises.Contains(complete.Promise)
                        && change.Promises.TrueForAll(p => p.Promise != complete.Promise))
                    {
                        change.Promises.Add(complete);
                        complete.Completed = true;
                        change.Wake(complete.WakeAt);
                    }
                    break;
                case WriteOperation.Truncate truncate:
                    if (change.Id != 0 && truncate.FromIndex <= change.Last) Cut(change, Math.Max(1, truncate.FromIndex));
                    break;
                case WriteOperation.Delete:
                    if (change.Id != 0)
                    {
                        Cut(change, 1);
                        change.Deleted = true;
                    }
                    break;
            }
            accepted.Add(operation);
        }
        return refused;
    }

    /// <summary>Adds the second round trip's statements (before the caller's COMMIT); false when nothing changes.</summary>
    public bool AddWriteStatements(NpgsqlBatch batch, StoreSql sql)
    {
        var cutIds = new List<long>();
        var cutFrom = new List<long>();
        var fenceIds = new List<long>();
        var fences = new List<long>();
        var deleted = new List<long>();
        var entryWorkers = new List<long>();
        var entryIndexes = new List<long>();
        var checksums = new List<int>();
        var payloads = new List<byte[]>();
        foreach (var change in _workers.Values)
        {
            if (change.Id == 0) continue;
            if (change.CutFrom <= change.StoredLast)
            {
                cutIds.Add(change.Id);
                cutFrom.Add(change.CutFrom);
            }
            foreach (var (index, payload) in change.Added)
            {
                entryWorkers.Add(change.Id);
                entryIndexes.Add(index);
                checksums.Add(unchecked((int)OplogChecksum.OfEntry(index, payload.Span)));
                payloads.Add(MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                    ? segment.Array
                    : payload.ToArray());
                Bytes += payload.Length;
            }
            // A deleted worker's row goes, and so does one this batch created for appends it refused.
            if (change.Deleted || (change.Last == 0 && _created.Contains(change.Id))) deleted.Add(change.Id);
            else if (change.Last != change.StoredLast)
            {
                fenceIds.Add(change.Id);
                fences.Add(change.Last);
            }
        }
        var marks = _workers.Values.Where(c => c.Id != 0 && !c.Deleted && c.Mark is not null).ToList();
        var promises = _workers.Values.Where(c => c.Id != 0 && !c.Deleted).SelectMany(c => c.Promises.Select(p => (c.Id, p))).ToList();
        var before = batch.BatchCommands.Count;
        if (cutIds.Count > 0) batch.BatchCommands.Add(Command(sql.CutEntries, cutIds.ToArray(), cutFrom.ToArray()));
        if (entryWorkers.Count > 0)
        {
            batch.BatchCommands.Add(Command(sql.InsertEntries, entryWorkers.ToArray(), entryIndexes.ToArray(), checksums.ToArray(), payloads.ToArray()));
        }
        if (fenceIds.Count > 0) batch.BatchCommands.Add(Command(sql.SetLastIndexes, fenceIds.ToArray(), fences.ToArray()));
        if (deleted.Count > 0) batch.BatchCommands.Add(Command(sql.DeleteWorkers, deleted.ToArray()));
        if (marks.Count > 0)
        {
            batch.BatchCommands.Add(Command(sql.SetMarks, marks.Select(c => c.Id).ToArray(), marks.Select(c => (int)c.Mark!.Status).ToArray(),
                marks.Select(c => c.Mark!.HasPendingWork ? 1 : 0).ToArray(), marks.Select(c => c.Mark!.WakeAt is { } at ? (long?)UnixMicroseconds(at) : null).ToArray(),
                marks.Select(c => c.Mark!.LastError).ToArray(), marks.Select(c => c.Mark!.ComponentVersion).ToArray()));
        }
        if (promises.Count > 0)
        {
            batch.BatchCommands.Add(Command(sql.InsertPromises, promises.Select(p => p.Id).ToArray(), promises.Select(p => p.Item2.Promise).ToArray(),
                promises.Select(p => p.Item2.Value.ToArray()).ToArray()));
        }
        var wakes = _workers.Values.Where(c => c.Id != 0 && !c.Deleted && c.WakeAt is not null).ToList();
        if (wakes.Count > 0) batch.BatchCommands.Add(Command(sql.Wake, wakes.Select(c => c.Id).ToArray(), wakes.Select(c => UnixMicroseconds(c.WakeAt!.Value)).ToArray()));
        return batch.BatchCommands.Count > before;
    }

    /// <summary>Drops entries from <paramref name="from"/> on: those added in this batch, and the stored ones below the fence.</summary>
    private static void Cut(WorkerChange change, long from)
    {
        change.Added.RemoveAll(e => e.Index >= from);
        change.CutFrom = Math.Min(change.CutFrom, from);
        change.Last = from - 1;
    }

    private static NpgsqlBatchCommand WorkerKeys(string sql, IEnumerable<WorkerId> workers)
    {
        var keys = workers.ToList();
        return Command(sql, keys.Select(k => k.Component).ToArray(), keys.Select(k => k.Worker).ToArray());
    }

    /// <summary>A wake-up time as microseconds since the Unix epoch: PostgreSQL's own precision, and exact in its interval arithmetic.</summary>
    private static long UnixMicroseconds(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private static NpgsqlBatchCommand Command(string sql, params object[] arrays)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var array in arrays)
        {
            command.Parameters.Add(array switch
            {
                string[] strings => new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = strings },
                long[] longs => new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = longs },
                long?[] optional => new NpgsqlParameter<long?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, TypedValue = optional },
                int[] ints => new NpgsqlParameter<int[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, TypedValue = ints },
                byte[][] blobs => new NpgsqlParameter<byte[][]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, TypedValue = blobs },
                _ => throw new ArgumentException($"unexpected parameter type {array.GetType()}", nameof(arrays)),
            });
        }
        return command;
    }

    /// <summary>What the batch does to one worker.</summary>
    private sealed class WorkerChange
    {
        /// <summary>The worker's row, 0 when it has none.</summary>
        public long Id { get; set; }

        /// <summary>The fence as stored when the row was locked.</summary>
        public long StoredLast { get; set; }

        /// <summary>The fence after the operations decided so far.</summary>
        public long Last { get; set; }

        /// <summary>The lowest index removed by a truncation or deletion (long.MaxValue: none).</summary>
        public long CutFrom { get; set; } = long.MaxValue;

        public List<(long Index, ReadOnlyMemory<byte> Payload)> Added { get; } = [];

        public bool Deleted { get; set; }

        /// <summary>The mark the last accepted append of the batch carried, if any.</summary>
        public WorkerMark? Mark { get; set; }

        /// <summary>The earliest wake-up asked for after that mark, if any.</summary>
        public DateTimeOffset? WakeAt { get; private set; }

        public List<WriteOperation.CompletePromise> Promises { get; } = [];

        /// <summary>The batch's promises of this worker that were completed before it.</summary>
        public HashSet<long> StoredPromises { get; } = [];

        public void Wake(DateTimeOffset at) => WakeAt = WakeAt is { } earlier && earlier <= at ? earlier : at;
    }
}
