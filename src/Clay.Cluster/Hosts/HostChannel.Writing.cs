using System.Buffers;
using System.Buffers.Binary;

namespace Clay.Cluster.Hosts;

/// <summary>
/// The writing half of the channel: a frame is built in the sending thread's buffer and queued, and
/// the queued frames go in one write, by the thread that sends unless another is writing (it writes
/// them too, as it looks at the queue again once it lets go of the pipe). The reading thread writes
/// only what fits in the output's room, so it never blocks in a write; the rest goes from the pool.
/// </summary>
public sealed partial class HostChannel
{
    private void Send(byte kind, long id, object? payload)
    {
        Enqueue(kind, id, payload);
        Push();
    }

    /// <summary>Builds a frame and queues it behind the others.</summary>
    private void Enqueue(byte kind, long id, object? payload)
    {
        // The frame is built in this thread's buffer, its header first, then copied into a pooled array.
        var writer = t_frame ??= new ArrayBufferWriter<byte>(1024);
        writer.ResetWrittenCount();
        writer.Advance(13);
        try
        {
            _serializer.Serialize(payload, writer);
        }
        catch (Exception ex) when (kind == Failure)
        {
            // An error that does not serialize still reaches the caller, as Clay's generic error.
            writer.ResetWrittenCount();
            writer.Advance(13);
            _serializer.Serialize<object?, ArrayBufferWriter<byte>>(new Runtime.Errors.ClayException(Runtime.Errors.ErrorCodes.Internal,
                $"{payload}".Length > 0 ? $"{payload}" : ex.Message), writer);
        }
        var length = writer.WrittenCount;
        var frame = ArrayPool<byte>.Shared.Rent(length);
        writer.WrittenSpan.CopyTo(frame);
        BinaryPrimitives.WriteInt32LittleEndian(frame, length - 4);
        frame[4] = kind;
        BinaryPrimitives.WriteInt64LittleEndian(frame.AsSpan(5), id);
        // A rare large frame does not keep its buffer for the thread's life.
        if (writer.Capacity > 1 << 20) t_frame = null;
        _frames.Enqueue((frame, length));
    }

    /// <summary>Has the queued frames written: by this thread, or from the pool when this is the reading thread and they do not fit its room.</summary>
    private void Push()
    {
        if (Thread.CurrentThread != _reader) Flush();
        else if (!WriteFromReader()) ThreadPool.UnsafeQueueUserWorkItem(static channel => channel.Flush(), this, preferLocal: false);
    }

    /// <summary>
    /// Room the output has at least: what it had when last asked, less what was written since (the other
    /// end's reads only add to it). Changed under <see cref="_writing"/>.
    /// </summary>
    private long _roomAtLeast;

    /// <summary>
    /// The reading thread writes what is queued itself when it fits in the output's room, so the write
    /// cannot block; false when frames are left for the pool to write.
    /// </summary>
    private bool WriteFromReader()
    {
        if (_outputRoom is null) return false;
        // The thread that holds the pipe writes this frame too: it looks at the queue again once it lets go.
        if (!_writing.TryEnter()) return true;
        try
        {
            // The room last asked for, less what was written since, is there still: the output is asked
            // again (a system call) only when the next frame needs more than that.
            var written = WriteQueued(_roomAtLeast);
            if (!_frames.IsEmpty)
            {
                _roomAtLeast = _outputRoom();
                written += WriteQueued(_roomAtLeast);
            }
            if (written > 0) Interlocked.Increment(ref _writtenByReader);
        }
        finally
        {
            _writing.Exit();
        }
        return _frames.IsEmpty;
    }

    /// <summary>
    /// Writes the queued frames, unless another thread is writing: that one writes them, as it checks
    /// the queue again once it has let go of the pipe.
    /// </summary>
    private void Flush()
    {
        while (!_frames.IsEmpty)
        {
            if (!_writing.TryEnter()) return;
            try
            {
                WriteQueued();
            }
            finally
            {
                _writing.Exit();
            }
        }
    }

    /// <summary>
    /// Writes the queued frames in one write, as many as fit in <paramref name="budget"/> bytes, in
    /// order; the caller holds <see cref="_writing"/>. Returns the bytes written.
    /// </summary>
    private int WriteQueued(long budget = long.MaxValue)
    {
        var length = 0;
        while (_frames.TryDequeue(_stopped ? long.MaxValue : budget - length, out var frame))
        {
            if (!_stopped)
            {
                if (length + frame.Length > _batch.Length) Array.Resize(ref _batch, Math.Max(_batch.Length * 2, length + frame.Length));
                frame.Buffer.AsSpan(0, frame.Length).CopyTo(_batch.AsSpan(length));
                length += frame.Length;
            }
            ArrayPool<byte>.Shared.Return(frame.Buffer);
        }
        if (length == 0) return 0;
        try
        {
            _output.Write(_batch, 0, length);
            _output.Flush();
            _roomAtLeast = Math.Max(0, _roomAtLeast - length);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The other end has gone. Its callers are failed from the pool: their continuations must not run under the writing lock.
            _stopped = true;
            ThreadPool.UnsafeQueueUserWorkItem(static channel => channel.Close(), this, preferLocal: false);
        }
        // A rare large batch does not keep its buffer for the channel's life.
        if (_batch.Length > 1 << 20) _batch = new byte[4096];
        return length;
    }
}
