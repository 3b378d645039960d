using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Clay.Runtime.Execution;

/// <summary>
/// The worker's queue and how its processing loop is woken. An idle worker's loop waits on a signal
/// of its own rather than on the queue, so that whoever wakes it chooses where it goes on: on the
/// thread pool, or — for the caller of an invocation that may wait right there — on the caller's own
/// thread, which runs the invocation at once and saves a hand-off to another thread per invocation.
/// </summary>
public sealed partial class WorkerExecutor
{
    /// <summary>The worker whose loop this thread is carrying for the caller that woke it, if any.</summary>
    [ThreadStatic]
    private static WorkerExecutor? t_carrying;

    /// <summary>How many <see cref="CarryHere"/> scopes this thread is in.</summary>
    [ThreadStatic]
    private static int t_mayCarry;

    /// <summary>How many <see cref="HoldWakes"/> scopes this thread is in.</summary>
    [ThreadStatic]
    private static int t_holding;

    /// <summary>The worker whose wake this thread holds back until its last <see cref="HoldWakes"/> scope ends.</summary>
    [ThreadStatic]
    private static WorkerExecutor? t_held;

    private readonly IdleSignal _idle = new();

    /// <summary>Set once the loop, carried by a caller, has taken an invocation: the next one goes to the pool.</summary>
    private bool _tookOnCaller;

    /// <summary>
    /// Queues an invocation for the loop. Unless <paramref name="wake"/> is false (the caller wakes the
    /// loop itself, once it has let go of the gate) an idle loop is woken on the thread pool.
    /// </summary>
    private bool Enqueue(QueuedInvocation queued, bool wake = true)
    {
        if (!_queue.TryAdd(queued)) return false;
        if (wake) _idle.Wake(onThisThread: false);
        return true;
    }

    /// <summary>Takes no more invocations; the loop runs what is queued, then ends.</summary>
    private void CompleteQueue()
    {
        _queue.Complete();
        _idle.Wake(onThisThread: false);
    }

    /// <summary>
    /// Wakes an idle loop for an invocation just queued by this thread, which is about to wait for it:
    /// on this thread when worker code may run here (a thread-pool thread, or one in a <see cref="CarryHere"/>
    /// scope, outside any scheduler, worker or context of its own, and not already carrying a worker),
    /// else on the pool. The loop runs one invocation here at most, then hands itself to the pool if
    /// more are queued.
    /// </summary>
    private void WakeForCaller()
    {
        if (t_holding > 0)
        {
            // The caller holds a lock (or must let others go first): the worker runs here once it has.
            if (t_held is null) t_held = this;
            else _idle.Wake(onThisThread: false);
            return;
        }
        if (t_carrying is not null || (t_mayCarry == 0 && !Thread.CurrentThread.IsThreadPoolThread) || TaskScheduler.Current != TaskScheduler.Default
            || SynchronizationContext.Current is not null || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            _idle.Wake(onThisThread: false);
            return;
        }
        t_carrying = this;
        _tookOnCaller = false;
        try
        {
            _idle.Wake(onThisThread: true);
        }
        finally
        {
            t_carrying = null;
        }
    }

    /// <summary>
    /// Lets an idle worker's invocation, queued and waited for by this thread until the returned scope
    /// ends, run on this thread although it is not a thread-pool thread: for a thread that another
    /// relieves of its work when worker code holds it (a component host's reading thread, see
    /// <c>HostChannel</c>). A thread-pool thread needs no scope. The scope must end on the thread that
    /// began it.
    /// </summary>
    public static CarryScope CarryHere()
    {
        t_mayCarry++;
        return default;
    }

    /// <summary>The scope of <see cref="CarryHere"/>.</summary>
    public readonly struct CarryScope : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => t_mayCarry--;
    }

    /// <summary>
    /// Holds back, until the returned scope ends, the start on this thread of an invocation queued
    /// meanwhile: for callers that queue invocations under a lock, or before letting the next caller
    /// in line go. The scope must end on the thread that began it (no wait inside).
    /// </summary>
    internal static WakeHold HoldWakes()
    {
        t_holding++;
        return default;
    }

    /// <summary>The scope of <see cref="HoldWakes"/>: its end runs the invocation held back, on this thread.</summary>
    internal readonly struct WakeHold : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose()
        {
            if (--t_holding > 0 || t_held is not { } held) return;
            t_held = null;
            held.WakeForCaller();
        }
    }

    /// <summary>True when the loop runs on the thread of a caller that woke it and has already taken an invocation there.</summary>
    private bool CarriedTooFar()
    {
        if (t_carrying != this) return false;
        if (_tookOnCaller) return true;
        _tookOnCaller = true;
        return false;
    }

    /// <summary>True while the loop waits on its signal for something to be queued (for tests that need an idle loop).</summary>
    internal bool WaitsForWork => _idle.IsArmed;

    /// <summary>
    /// The loop's wait while its queue is empty: completes when something is queued or the queue is
    /// completed (possibly at once, when that happened just before).
    /// </summary>
    private ValueTask WaitForWorkAsync()
    {
        var wait = _idle.Arm();
        // Queued (or completed) between the loop's last look and the arming: nobody will wake it.
        if (_queue.AnyOrCompleted) _idle.Wake(onThisThread: true);
        return wait;
    }

    /// <summary>
    /// A reusable one-waiter signal: armed by the loop before it waits, set by whoever wakes it, with
    /// the loop's continuation run either on the waker's thread or on the thread pool.
    /// </summary>
    private sealed class IdleSignal : IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core;
        private int _armed;

        /// <summary>Arms the signal for the loop's next wait and returns that wait.</summary>
        public ValueTask Arm()
        {
            _core.Reset();
            Volatile.Write(ref _armed, 1);
            return new ValueTask(this, _core.Version);
        }

        /// <summary>True while the loop waits on the signal.</summary>
        public bool IsArmed => Volatile.Read(ref _armed) == 1;

        /// <summary>Sets the signal if the loop is waiting on it; its continuation runs on this thread or on the pool.</summary>
        public void Wake(bool onThisThread)
        {
            if (Interlocked.Exchange(ref _armed, 0) != 1) return;
            _core.RunContinuationsAsynchronously = !onThisThread;
            _core.SetResult(true);
        }

        public void GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
