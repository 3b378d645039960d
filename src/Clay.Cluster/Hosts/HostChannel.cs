using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using Orleans.Serialization;

namespace Clay.Cluster.Hosts;

/// <summary>
/// The local channel between the server and one component host: two pipes (the host's standard
/// input and output), carrying calls both ways, their answers and one-way notices, many at a time.
/// </summary>
/// <remarks>
/// <para>A frame is <c>[length: int32][kind: byte][id: int64][payload]</c>, little-endian; the payload
/// is the message in Orleans' serialization with Clay's codecs (values in Clay's own encoding), the
/// same messages and errors that cross a cluster. Errors travel as the exceptions themselves, so a
/// <c>ClayException</c> thrown in the host reaches the server's caller with its type, code and message.</para>
/// <para>A dedicated thread reads (a blocking read on a pipe costs no thread-pool thread). A frame is
/// written by the thread that sends it, with the frames queued meanwhile by others in the same write:
/// a call on a quiet channel costs no hand-off to a writer. The reading thread never writes (were both
/// ends' pipes full, two readers blocked in a write would wait for each other): what it sends is
/// written from the thread pool — unless the channel knows how much its output can take without
/// blocking (<c>outputRoom</c>) and what is queued fits: then the reading thread writes it itself, which
/// saves a hand-off to the pool on the way back of every call its end answers after waiting on the
/// other end. An answer is handed to its caller on the reading thread, which runs
/// the caller's continuation up to its next wait (or posts it to the caller's scheduler) instead of
/// queueing it behind the pool's other work.</para>
/// <para>A host's end may also answer on the reading thread calls whose handling runs code that could
/// hold the thread (<c>runOnReader</c>): then a relief thread stands by and takes over reading when one
/// frame's handling holds the reader too long (see <c>HostChannel.Relief.cs</c>).</para>
/// </remarks>
public sealed partial class HostChannel : IAsyncDisposable
{
    private const byte Request = 1;
    private const byte Reply = 2;
    private const byte Failure = 3;
    private const byte Notice = 4;

    /// <summary>
    /// The largest frame a channel reads (256 MiB) unless told otherwise: the other end may be a
    /// misbehaving host, and a length it announces is not allocated before it is checked.
    /// </summary>
    public const int DefaultMaxFrameBytes = 256 << 20;

    /// <summary>The frame limit for oplog entries of up to <paramref name="maxEntryBytes"/>: the default, or room for two such entries.</summary>
    public static int MaxFrameBytesFor(int maxEntryBytes) => (int)Math.Clamp(2L * maxEntryBytes + (1 << 20), DefaultMaxFrameBytes, int.MaxValue);

    /// <summary>What the other end writes, read through a buffer: one read takes every frame already in the pipe, not two per frame.</summary>
    private readonly Stream _input;
    private readonly Stream _output;
    private readonly Serializer _serializer;
    private readonly Func<object, Task<object?>> _handle;
    private readonly Action<object> _notice;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<object?>> _pending = new();
    /// <summary>Frames waiting to be written, each in an array rented from the shared pool.</summary>
    private readonly FrameQueue _frames = new();
    private readonly Lock _writing = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>The thread that reads: the first reading thread, or the relief thread that took over from it.</summary>
    private volatile Thread _reader;
    private byte[] _batch = new byte[4096];
    private readonly byte[] _header = new byte[13];
    private byte[] _body = new byte[4096];
    private readonly int _maxFrameBytes;
    private readonly Func<long>? _outputRoom;
    private readonly Func<object, bool>? _answerOnReader;
    private readonly Func<object, bool>? _runOnReader;
    private readonly string _name;
    private long _writtenByReader;
    private long _answeredOnReader;
    private bool _stopped;
    private long _nextId;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_frame;

    /// <summary>The channel whose call this thread is answering, up to the handler's first wait.</summary>
    [ThreadStatic]
    private static HostChannel? t_answering;

    /// <summary>The channel whose reading or relief thread this is.</summary>
    [ThreadStatic]
    private static HostChannel? t_ownThread;

    /// <summary>A channel that reads from <paramref name="input"/> and writes to <paramref name="output"/>.</summary>
    /// <param name="input">What the other end writes.</param>
    /// <param name="output">What the other end reads.</param>
    /// <param name="serializer">Orleans' serializer with Clay's codecs.</param>
    /// <param name="handle">Answers a call of the other end; its exceptions are sent back as the answer.</param>
    /// <param name="notice">Takes a one-way notice of the other end.</param>
    /// <param name="name">Names the reading thread.</param>
    /// <param name="maxFrameBytes">The largest frame read; a longer one announced by the other end closes the channel.</param>
    /// <param name="outputRoom">
    /// How many bytes <paramref name="output"/> takes now without blocking (a pipe's free space), or
    /// null when that cannot be known. Only this channel may write to it: the room can then only grow
    /// until the channel writes.
    /// </param>
    /// <param name="answerOnReader">
    /// The calls of the other end that are answered on the reading thread instead of from the pool:
    /// only those whose handling never blocks before its first wait (a store append that queues its
    /// write). The rest of the answer runs where that wait ends.
    /// </param>
    /// <param name="runOnReader">
    /// The calls of the other end answered on the reading thread although their handling may hold it
    /// (it runs code that can block or compute at length). With these, a relief thread takes over
    /// reading whenever the handling of one frame holds the reading thread for longer than
    /// <see cref="ReliefAfter"/>, whatever that frame was; and the reading thread may carry an idle
    /// worker's invocation that a frame's handling wakes (<c>WorkerExecutor.CarryHere</c>).
    /// </param>
    public HostChannel(Stream input, Stream output, Serializer serializer, Func<object, Task<object?>> handle, Action<object> notice, string name,
        int maxFrameBytes = DefaultMaxFrameBytes, Func<long>? outputRoom = null, Func<object, bool>? answerOnReader = null,
        Func<object, bool>? runOnReader = null)
    {
        _maxFrameBytes = maxFrameBytes;
        _outputRoom = outputRoom;
        _answerOnReader = answerOnReader;
        _runOnReader = runOnReader;
        _name = name;
        _input = new BufferedStream(input, 64 * 1024);
        _output = output;
        _serializer = serializer;
        _handle = handle;
        _notice = notice;
        _reader = new Thread(Run) { IsBackground = true, Name = name };
        _reader.Start(true);
    }

    /// <summary>Writes the reading thread made itself, because they fitted in the output's room.</summary>
    public long WrittenByReader => Interlocked.Read(ref _writtenByReader);

    /// <summary>Calls of the other end whose answer began on the reading thread (see <c>answerOnReader</c>).</summary>
    public long AnsweredOnReader => Interlocked.Read(ref _answeredOnReader);

    /// <summary>Completes when the other end has gone (its output ended or broke).</summary>
    public Task Closed => _closed.Task;

    /// <summary>Calls the other end and waits for its answer; its error is thrown here.</summary>
    /// <exception cref="HostChannelClosedException">The other end went away before answering.</exception>
    /// <remarks>
    /// Without a token the call's task is its answer's own, which the reading thread completes (running
    /// what follows the caller's await, see the class's remarks) as it takes the call out of those pending: no
    /// state machine of its own per call. With one, a cancelled call takes itself out.
    /// </remarks>
    public Task<object?> CallAsync(object request, CancellationToken cancellationToken = default)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<object?>();
        _pending[id] = answer;
        if (_closed.Task.IsCompleted)
        {
            FailPending();
        }
        else
        {
            try
            {
                Send(Request, id, request);
            }
            catch
            {
                _pending.TryRemove(id, out _);
                throw;
            }
        }
        return cancellationToken.CanBeCanceled ? AnswerOrCancelAsync(id, answer, cancellationToken) : answer.Task;
    }

    private async Task<object?> AnswerOrCancelAsync(long id, TaskCompletionSource<object?> answer, CancellationToken cancellationToken)
    {
        try
        {
            return await answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Sends a one-way notice; lost if the other end has gone.</summary>
    public void Notify(object notice) => Send(Notice, 0, notice);

    /// <summary>
    /// Queues a one-way notice without writing it: it goes in the same write as the next frame this end
    /// sends, or at <see cref="SendQueued"/>, whichever comes first. Frames keep their order.
    /// </summary>
    public void NotifyQueued(object notice) => Enqueue(Notice, 0, notice);

    /// <summary>
    /// Writes what <see cref="NotifyQueued"/> left queued, if anything still is — unless this thread is
    /// answering a call of the other end before its first wait: its answer follows on this thread, and
    /// the queued frames go in the same write.
    /// </summary>
    public void SendQueued()
    {
        if (!_frames.IsEmpty && !AnswerFollows()) Push();
    }

    /// <summary>
    /// Sends a one-way notice at once — unless this thread is answering a call of the other end before
    /// its first wait: then it goes in the same write as that answer (or at the first wait, or when a
    /// relief takes over reading from this thread, whichever comes first). Frames keep their order.
    /// </summary>
    public void NotifySoon(object notice)
    {
        Enqueue(Notice, 0, notice);
        SendQueued();
    }

    /// <summary>
    /// True when this thread answers a call of the other end before its first wait: its answer follows
    /// on this thread soon, and what is queued goes in the same write.
    /// </summary>
    /// <remarks>A reading thread that a relief took over from is held by a long handling: what it queues goes at once.</remarks>
    private bool AnswerFollows() => t_answering == this && (t_ownThread != this || Thread.CurrentThread == _reader);

    /// <summary>Stops writing once what was sent is written; the reading thread ends when the other end closes.</summary>
    public ValueTask DisposeAsync()
    {
        lock (_writing)
        {
            WriteQueued();
            _stopped = true;
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Reads and dispatches frames until the other end goes (true) or, with a relief thread standing by,
    /// until this thread's dispatch of one frame held it so long that the relief took over (false).
    /// </summary>
    private bool Read()
    {
        try
        {
            while (ReadExactly(_header.AsSpan()))
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(_header);
                if (length < 9 || length > _maxFrameBytes) throw new InvalidDataException($"a frame of {length} bytes");
                var kind = _header[4];
                var id = BinaryPrimitives.ReadInt64LittleEndian(_header.AsSpan(5));
                // Each message is deserialized from it before the next is read: the buffer is reused,
                // and dropped again after a rare large frame.
                if (length - 9 > _body.Length) _body = new byte[Math.Min(Math.Max(length - 9, _body.Length * 2), _maxFrameBytes)];
                if (!ReadExactly(_body.AsSpan(0, length - 9))) break;
                // The frame's bytes are done with once its message is read: a relief that takes over
                // while the message is dispatched reads the next frame into the same buffer.
                var message = Message(kind, id, _body.AsSpan(0, length - 9));
                if (_runOnReader is null) Dispatch(kind, id, message);
                else if (!DispatchRelieved(kind, id, message)) return false;
                if (_body.Length > 1 << 20) _body = new byte[4096];
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidDataException)
        {
            // The other end broke the pipe or wrote garbage: either way it is gone for this channel.
        }
        Close();
        return true;
    }

    /// <summary>The message of a frame just read, or null for an answer no caller waits for any more (not deserialized).</summary>
    private object? Message(byte kind, long id, ReadOnlySpan<byte> body) =>
        kind is Reply or Failure && !_pending.ContainsKey(id) ? null : _serializer.Deserialize<object?>(body);

    /// <summary>Acts on a frame's message: completes a caller, answers a call, takes a notice.</summary>
    private void Dispatch(byte kind, long id, object? message)
    {
        switch (kind)
        {
            case Reply when _pending.TryRemove(id, out var answer):
                answer.TrySetResult(message);
                break;
            case Failure when _pending.TryRemove(id, out var failed):
                failed.TrySetException(message as Exception ?? new InvalidOperationException("the other end failed without an error"));
                break;
            case Request:
                var request = message!;
                if (_answerOnReader?.Invoke(request) == true || _runOnReader?.Invoke(request) == true)
                {
                    Interlocked.Increment(ref _answeredOnReader);
                    _ = AnswerAsync(id, request);
                    break;
                }
                ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Channel.AnswerAsync(state.Id, state.Request), (Channel: this, Id: id, Request: request),
                    preferLocal: false);
                break;
            case Notice:
                _notice(message!);
                break;
        }
    }

    private async Task AnswerAsync(long id, object request)
    {
        try
        {
            Task<object?> answering;
            var outer = t_answering;
            t_answering = this;
            try
            {
                answering = _handle(request);
            }
            finally
            {
                t_answering = outer;
            }
            // Its answer comes later, from another thread: what it left queued goes now.
            if (!answering.IsCompleted) SendQueued();
            Send(Reply, id, await answering.ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            Send(Failure, id, ex);
        }
    }

    private bool ReadExactly(Span<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = _input.Read(buffer[read..]);
            if (n == 0)
            {
                if (read == 0) return false;
                throw new IOException("the channel ended inside a frame");
            }
            read += n;
        }
        return true;
    }

    private void Close()
    {
        _closed.TrySetResult();
        FailPending();
        WakeRelief();
    }

    private void FailPending()
    {
        foreach (var (id, answer) in _pending)
        {
            if (answer.TrySetException(new HostChannelClosedException("the component host went away before answering"))) _pending.TryRemove(id, out _);
        }
    }
}
