namespace Clay.Cluster.Hosts;

/// <summary>
/// The relief of the reading thread. A host's end answers calls on its reading thread that run
/// component code there (<c>runOnReader</c>): an idle worker's invocation runs at once on the thread
/// that read it, with no hand-off to the pool. Code that blocks or computes at length would stop the
/// channel with it — no answer read, no other worker's call taken — so a relief thread stands by
/// while frames are dispatched. It looks every <see cref="ReliefAfter"/>; when the reading thread
/// has been dispatching the same frame since its last look, the relief takes over reading and the
/// held thread, once its dispatch ends, stands by as the relief in its turn (or ends, if another
/// does). A channel whose frames keep coming wakes its relief once per <see cref="ReliefAfter"/>,
/// not once per frame; a quiet one lets it sleep until the next frame.
/// </summary>
/// <remarks>
/// Who reads is decided by one field, <see cref="_dispatching"/>: the number of the frame the
/// reading thread is dispatching, zero while it reads, <see cref="Relieved"/> once a relief took
/// the frame's dispatch from it. The reading thread and the relief each claim it by a
/// compare-and-swap, so exactly one of them goes on reading.
/// </remarks>
public sealed partial class HostChannel
{
    /// <summary>How long one frame's handling may hold the reading thread before a relief takes over reading (between one and two of these).</summary>
    public static readonly TimeSpan ReliefAfter = TimeSpan.FromMilliseconds(20);

    /// <summary>The value of <see cref="_dispatching"/> once a relief has taken over from the thread dispatching.</summary>
    private const long Relieved = -1;

    /// <summary>Frames dispatched so far; the number of the frame being dispatched.</summary>
    private long _dispatched;

    /// <summary>The frame the reading thread is dispatching, 0 while it reads, <see cref="Relieved"/> once relieved.</summary>
    private long _dispatching;

    /// <summary>The thread standing by to take over reading, if any.</summary>
    private Thread? _relief;

    /// <summary>1 while the relief sleeps until the next frame.</summary>
    private int _reliefParked;

    private readonly SemaphoreSlim _reliefWake = new(0);

    private long _reliefs;

    /// <summary>How many times a relief thread took over reading from a thread held by a frame's handling.</summary>
    public long Reliefs => Interlocked.Read(ref _reliefs);

    /// <summary>
    /// The body of the reading thread and of the relief threads: a thread reads (<paramref name="state"/>
    /// true) or stands by, and turns from one to the other as it is relieved or takes over.
    /// </summary>
    private void Run(object? state)
    {
        t_ownThread = this;
        var reading = (bool)state!;
        while (true)
        {
            if (reading)
            {
                // The other end has gone, or this thread was relieved and another stands by already.
                if (Read() || Interlocked.CompareExchange(ref _relief, Thread.CurrentThread, null) is not null) return;
            }
            else if (!StandBy())
            {
                return;
            }
            reading = !reading;
        }
    }

    /// <summary>
    /// Dispatches a frame's message on the reading thread as the relief watches (the frame's bytes are
    /// read already: the relief may take over the buffer); false when the relief took over meanwhile:
    /// this thread must not read any more.
    /// </summary>
    private bool DispatchRelieved(byte kind, long id, object? message)
    {
        var frame = Interlocked.Increment(ref _dispatched);
        Volatile.Write(ref _dispatching, frame);
        if (Volatile.Read(ref _reliefParked) == 1)
        {
            WakeRelief();
        }
        else if (Volatile.Read(ref _relief) is null)
        {
            var relief = new Thread(Run) { IsBackground = true, Name = _name + " relief" };
            if (Interlocked.CompareExchange(ref _relief, relief, null) is null) relief.Start(false);
        }
        // Relieved, this thread may carry an idle worker's invocation that its dispatch wakes.
        using (Runtime.Execution.WorkerExecutor.CarryHere()) Dispatch(kind, id, message);
        return Interlocked.CompareExchange(ref _dispatching, 0, frame) == frame;
    }

    /// <summary>
    /// Stands by as the relief until the reading thread is held by one frame for a whole look (true:
    /// this thread now reads) or the channel closes (false).
    /// </summary>
    private bool StandBy()
    {
        while (!_closed.Task.IsCompleted)
        {
            var dispatching = Volatile.Read(ref _dispatching);
            var dispatched = Volatile.Read(ref _dispatched);
            Thread.Sleep(ReliefAfter);
            if (dispatching > 0 && Interlocked.CompareExchange(ref _dispatching, Relieved, dispatching) == dispatching)
            {
                Interlocked.Increment(ref _reliefs);
                Volatile.Write(ref _relief, null);
                _reader = Thread.CurrentThread;
                // What the held thread queued to go with its answer goes now: that answer may be long in coming.
                if (!_frames.IsEmpty) Push();
                return true;
            }
            if (Volatile.Read(ref _dispatched) != dispatched) continue;
            // Nothing dispatched for a whole look: sleep until the next frame is.
            Interlocked.Exchange(ref _reliefParked, 1);
            // A frame dispatched since the count above found the relief awake, and will not wake it.
            if (Volatile.Read(ref _dispatched) != dispatched && Interlocked.Exchange(ref _reliefParked, 0) == 1) continue;
            _reliefWake.Wait();
        }
        return false;
    }

    /// <summary>Wakes the relief if it sleeps: for a frame dispatched, or for the channel closed (it then ends).</summary>
    private void WakeRelief()
    {
        if (Interlocked.Exchange(ref _reliefParked, 0) == 1) _reliefWake.Release();
    }
}
