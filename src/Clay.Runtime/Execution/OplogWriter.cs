using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;

namespace Clay.Runtime.Execution;

/// <summary>
/// Buffers one worker's new oplog entries and makes them durable on <see cref="FlushAsync"/>.
/// Entries get their index when appended; local effects (clock, random) stay in the buffer until
/// the next flush, which the commit rules allow because they are re-derived if lost.
/// </summary>
/// <remarks>
/// An invocation's end is committed with <see cref="HandOverAsync"/>: to a store that can take entries
/// in order without the writer waiting (<see cref="IOplogHandOver"/>: a component host's, whose server
/// holds the caller's answer until they are durable), they are handed over and the worker goes on;
/// to any other store they are made durable first. <see cref="FlushAsync"/> always returns with every
/// entry durable, handed-over ones included.
/// </remarks>
internal sealed class OplogWriter(WorkerId worker, IOplogStore store, long lastIndex, TimeProvider time, int maxEntryBytes = int.MaxValue)
{
    private readonly Lock _gate = new();
    private List<ReadOnlyMemory<byte>> _buffer = [];
    private long _lastIndex = lastIndex;
    private long _durableIndex = lastIndex;
    private long _handedIndex = lastIndex;
    private int _unsent;
    private long _encodedBytes;
    private Task _flushing = Task.CompletedTask;
    private Exception? _failure;
    private WorkerMark _storedMark = WorkerMark.Idle;

    /// <summary>
    /// Tells the worker's mark as of now; each flush sends it with its entries when it differs from
    /// the one stored. Called under the writer's lock: it must only read, never take a lock.
    /// </summary>
    public Func<WorkerMark>? Marks { get; set; }

    /// <summary>The mark the store holds for the worker, as read when it was opened.</summary>
    public WorkerMark StoredMark
    {
        get { lock (_gate) return _storedMark; }
        set { lock (_gate) _storedMark = value; }
    }

    /// <summary>The index of the last appended entry, durable or not.</summary>
    public long LastIndex
    {
        get { lock (_gate) return _lastIndex; }
    }

    /// <summary>The index of the last durable entry.</summary>
    public long DurableIndex => Interlocked.Read(ref _durableIndex);

    /// <summary>Bytes of encoded entries written through this writer.</summary>
    public long EncodedBytes => Interlocked.Read(ref _encodedBytes);

    /// <summary>The current time, for entry timestamps.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The largest entry <see cref="Append"/> accepts.</summary>
    public int MaxEntryBytes => maxEntryBytes;

    /// <summary>Buffers an entry and returns its index.</summary>
    /// <exception cref="Errors.ClayException"><c>oplog-entry-too-large</c>: nothing was appended.</exception>
    public long Append(OplogEntry entry) => AppendEncoded(OplogCodec.Encode(entry));

    /// <summary>Buffers an entry already encoded with <see cref="OplogCodec"/> and returns its index.</summary>
    /// <exception cref="Errors.ClayException"><c>oplog-entry-too-large</c>: nothing was appended.</exception>
    public long AppendEncoded(byte[] bytes)
    {
        if (bytes.Length > maxEntryBytes)
        {
            var kind = OplogCodec.PeekKind(bytes);
            throw new Errors.ClayException(Errors.ErrorCodes.OplogEntryTooLarge,
                $"a {Oplog.Display.OplogEntryFormatter.KindName(kind)} entry of worker {worker} would take {bytes.Length:N0} bytes; the limit is {maxEntryBytes:N0} (--max-entry-size)");
        }
        lock (_gate)
        {
            ThrowIfFailed();
            _buffer.Add(bytes);
            _encodedBytes += bytes.Length;
            return ++_lastIndex;
        }
    }

    /// <summary>
    /// Commits every entry appended so far at the end of an invocation: hands them over when the store
    /// takes hand-overs (whoever answers for the worker waits for them to be durable), makes them
    /// durable otherwise.
    /// </summary>
    public ValueTask HandOverAsync(CancellationToken cancellationToken = default)
    {
        if (store is not IOplogHandOver handOver) return FlushAsync(cancellationToken);
        Task previous;
        lock (_gate)
        {
            ThrowIfFailed();
            if (_flushing.IsCompleted)
            {
                if (_buffer.Count == 0) return ValueTask.CompletedTask;
                var batch = _buffer;
                _buffer = [];
                var firstIndex = _lastIndex - batch.Count + 1;
                var mark = Marks?.Invoke() is { } current && current != _storedMark ? current : null;
                using var span = Diagnostics.ClayTelemetry.StartCommit(batch.Count, handedOver: true);
                try
                {
                    // Under the lock: in order with every other commit of this writer.
                    handOver.HandOver(worker, firstIndex, batch, mark);
                }
                catch (Exception ex)
                {
                    _failure ??= ex;
                    throw;
                }
                _handedIndex = _lastIndex;
                Volatile.Write(ref _unsent, 1);
                if (mark is not null) _storedMark = mark;
                return ValueTask.CompletedTask;
            }
            // A flush is on its way: what is handed over goes behind it.
            previous = _flushing;
        }
        return HandOverAfterAsync(previous, cancellationToken);
    }

    /// <summary>
    /// Sends what was handed over if it waits still (it may wait to go with the answer the worker hands
    /// on after it): called once the worker has handed that answer on.
    /// </summary>
    public void SendHandedOver()
    {
        if (Interlocked.Exchange(ref _unsent, 0) == 1) ((IOplogHandOver)store).Send();
    }

    private async ValueTask HandOverAfterAsync(Task previous, CancellationToken cancellationToken)
    {
        await previous.WaitAsync(cancellationToken);
        await HandOverAsync(cancellationToken);
    }

    /// <summary>Makes every entry appended so far durable, those handed over included.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => CommitAsync(markAlone: false, cancellationToken);

    /// <summary>
    /// Makes every entry appended so far durable, and the worker's mark as of now even when no entry
    /// waits to carry it: for a worker that stops to wait without recording anything first.
    /// </summary>
    public ValueTask FlushWithMarkAsync(CancellationToken cancellationToken = default) => CommitAsync(markAlone: true, cancellationToken);

    private async ValueTask CommitAsync(bool markAlone, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task previous;
            TaskCompletionSource mine;
            List<ReadOnlyMemory<byte>> batch;
            long firstIndex;
            WorkerMark? mark = null;
            var sync = false;
            lock (_gate)
            {
                ThrowIfFailed();
                var handedAhead = _handedIndex > _durableIndex;
                if (_buffer.Count == 0 && _flushing.IsCompleted && !(markAlone && Marks?.Invoke() is { } now && now != _storedMark))
                {
                    if (!handedAhead) return;
                    // Nothing new to write, but what was handed over must be durable before this returns.
                    sync = true;
                }
                if (!_flushing.IsCompleted)
                {
                    previous = _flushing;
                    mine = null!;
                    batch = null!;
                    firstIndex = 0;
                }
                else
                {
                    previous = Task.CompletedTask;
                    batch = _buffer;
                    _buffer = [];
                    firstIndex = _lastIndex - batch.Count + 1;
                    // The mark as of these entries, sent only when it changed: an invocation that
                    // starts and ends within one commit leaves the stored mark alone.
                    if (Marks?.Invoke() is { } current && current != _storedMark) mark = current;
                    mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _flushing = mine.Task;
                }
            }

            if (batch is null)
            {
                // Another flush is writing; wait for it, then write whatever was appended meanwhile.
                await previous.WaitAsync(cancellationToken);
                continue;
            }

            if (sync)
            {
                await SyncAsync(firstIndex - 1, mine, cancellationToken);
                return;
            }
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            using var span = Diagnostics.ClayTelemetry.StartCommit(batch.Count);
            try
            {
                // A durable append makes durable all that was handed over before it: the store keeps their order.
                await store.AppendAsync(worker, firstIndex, batch, mark, cancellationToken);
                Diagnostics.ClayTelemetry.Committed(System.Diagnostics.Stopwatch.GetElapsedTime(started));
                Interlocked.Exchange(ref _durableIndex, firstIndex + batch.Count - 1);
                if (mark is not null)
                {
                    lock (_gate) _storedMark = mark;
                }
                mine.SetResult();
                // What was appended while this batch was written is for the next commit: a flush
                // returns once what was appended before it is durable.
                return;
            }
            catch (Exception ex)
            {
                // The buffered entries are gone and the indexes handed out are no longer valid: the
                // worker must be rebuilt from what is durable.
                lock (_gate) _failure ??= ex;
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.GetType().Name);
                mine.SetException(ex);
                throw;
            }
        }
    }

    /// <summary>Waits until what was handed over, up to <paramref name="handed"/>, is durable.</summary>
    private async ValueTask SyncAsync(long handed, TaskCompletionSource mine, CancellationToken cancellationToken)
    {
        try
        {
            await ((IOplogHandOver)store).SyncAsync(worker, cancellationToken);
            Interlocked.Exchange(ref _durableIndex, handed);
            mine.SetResult();
        }
        catch (Exception ex)
        {
            lock (_gate) _failure ??= ex;
            mine.SetException(ex);
            throw;
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw new Errors.ClayException(Errors.ErrorCodes.StorageUnavailable,
                $"the oplog of worker {worker} could not be written and must be reloaded: {_failure.Message}", _failure);
        }
    }
}
