namespace Clay.Cluster.Hosts;

/// <summary>
/// The frames a <see cref="HostChannel"/> has waiting to be written, in order: a queue under a lock. (A concurrent queue that is
/// peeked at keeps each segment it has seen, and makes a new one every 32 frames.)
/// </summary>
internal sealed class FrameQueue
{
    private readonly Queue<(byte[] Buffer, int Length)> _queue = new();
    private readonly Lock _gate = new();
    private volatile int _count;

    /// <summary>True when no frame waits.</summary>
    public bool IsEmpty => _count == 0;

    /// <summary>Queues a frame behind the others.</summary>
    public void Enqueue((byte[] Buffer, int Length) frame)
    {
        lock (_gate)
        {
            _queue.Enqueue(frame);
            _count = _queue.Count;
        }
    }

    /// <summary>Takes the first frame when it is at most <paramref name="room"/> bytes long.</summary>
    public bool TryDequeue(long room, out (byte[] Buffer, int Length) frame)
    {
        lock (_gate)
        {
            if (_queue.TryPeek(out frame) && frame.Length <= room)
            {
                _queue.Dequeue();
                _count = _queue.Count;
                return true;
            }
            frame = default;
            return false;
        }
    }
}
