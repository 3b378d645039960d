using System.Collections.Concurrent;

namespace Clay.Runtime.Execution;

/// <summary>
/// Runs a worker's code one task at a time, in the order the tasks were queued, on thread-pool
/// threads. Awaits inside worker code capture this scheduler, so continuations of one worker never
/// run in parallel and interleave the same way live and in replay.
/// </summary>
/// <remarks>The same idea as an Orleans activation's scheduler or Temporal's workflow scheduler.</remarks>
internal sealed class WorkerTaskScheduler(IThreadCpuClock? clock = null) : TaskScheduler
{
    [ThreadStatic]
    private static WorkerTaskScheduler? _running;

    // Made when a task first has to wait: most workers run each invocation on the caller's thread and
    // never queue anything, and an empty queue would cost each resident worker half a kilobyte.
    private ConcurrentQueue<Task>? _queue;
    private int _draining;
    private long _cpu;
    private Stretch? _stretch;

    /// <summary>
    /// The CPU time the worker's code has used on this scheduler, in nanoseconds, including a stretch
    /// under way (as far as it is known: see <see cref="Stretch"/>); zero without a clock.
    /// </summary>
    public long CpuNanoseconds
    {
        get
        {
            var total = Interlocked.Read(ref _cpu);
            if (clock is null || Volatile.Read(ref _stretch) is not { } stretch) return total;
            return total + stretch.CpuSoFar(clock, ownThread: IsCurrentThread);
        }
    }

    /// <summary>
    /// How long the stretch of worker code under way has held its thread (a blocking wait, a spin), in
    /// stopwatch ticks; zero when none runs or without a clock.
    /// </summary>
    public long HeldFor => Volatile.Read(ref _stretch) is { } stretch ? System.Diagnostics.Stopwatch.GetTimestamp() - stretch.Started : 0;

    /// <summary>True when the calling thread is executing this scheduler's tasks.</summary>
    public bool IsCurrentThread => _running == this;

    /// <inheritdoc/>
    public override int MaximumConcurrencyLevel => 1;

    /// <summary>
    /// Starts <paramref name="work"/> on this scheduler and returns its task. When the scheduler is
    /// idle the work starts on the calling thread, saving a hand-off to another thread; otherwise it
    /// is queued behind what is running.
    /// </summary>
    public Task<T> Run<T>(Func<Task<T>> work)
    {
        var task = new Task<Task<T>>(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach);
        // RunSynchronously would queue the task and block on it if the stack were too deep to run it
        // here, and nothing would drain the queue while this thread holds it: queue it instead.
        if (!IsCurrentThread && QueueIsEmpty && System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack()
            && Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            // This thread now owns the scheduler, exactly as a drain does.
            if (!QueueIsEmpty)
            {
                // Something was queued just now: it goes first, and the drain Release starts runs both in order.
                task.Start(this);
                Release();
                return task.Unwrap();
            }
            // Run the work here, then let go.
            var outer = _running; // another worker's drain may have called in
            // Awaits in worker code prefer a synchronization context to the scheduler: the caller's
            // (a test runner's, a UI's) would take the worker's continuations off this scheduler.
            var context = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(null);
            _running = this;
            var stretch = Begin();
            try
            {
                task.RunSynchronously(this);
            }
            finally
            {
                End(stretch);
                _running = outer;
                SynchronizationContext.SetSynchronizationContext(context);
            }
            Release();
            return task.Unwrap();
        }
        task.Start(this);
        return task.Unwrap();
    }

    /// <inheritdoc/>
    protected override void QueueTask(Task task)
    {
        Queue.Enqueue(task);
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0) StartDrain();
    }

    private void Drain()
    {
        _running = this;
        var stretch = Begin();
        try
        {
            while (true)
            {
                while (Queue.TryDequeue(out var task)) TryExecuteTask(task);
                Volatile.Write(ref _draining, 0);
                // A task queued between the last dequeue and the reset would otherwise be stranded.
                if (QueueIsEmpty || Interlocked.CompareExchange(ref _draining, 1, 0) != 0) return;
            }
        }
        finally
        {
            End(stretch);
            _running = null;
        }
    }

    /// <summary>Notes that worker code starts running on this thread (when CPU is counted).</summary>
    private Stretch? Begin()
    {
        if (clock is null) return null;
        var stretch = new Stretch(clock.CurrentThread, System.Diagnostics.Stopwatch.GetTimestamp());
        Volatile.Write(ref _stretch, stretch);
        return stretch;
    }

    /// <summary>Adds the CPU of a stretch that ended to the total.</summary>
    private void End(Stretch? stretch)
    {
        if (stretch is null) return;
        Interlocked.Add(ref _cpu, stretch.Close(clock!));
        Volatile.Write(ref _stretch, null);
    }

    /// <summary>
    /// A run of worker code on one thread, timed without a system call unless it lasts: most stretches
    /// end within microseconds, and the thread's CPU clock costs a system call per read (it has no fast
    /// path as the wall clock has). A stretch is charged the wall time it lasted, which is never less
    /// than the CPU its thread used, until someone asks for its CPU while it runs (the watchdog, ten
    /// times a second while an invocation runs): the wall time until then is charged, and from then on
    /// the thread's CPU clock, read then and at the stretch's end. So a stretch that blocks or spins is
    /// counted by its CPU after at most one look, and a short one costs no clock read at all.
    /// </summary>
    private sealed class Stretch(int thread, long started)
    {
        private static readonly double NanosecondsPerTick = 1e9 / System.Diagnostics.Stopwatch.Frequency;

        /// <summary>Set in place of a clocking when the stretch ended before anyone clocked it.</summary>
        private static readonly Clocking Unclocked = new(0, 0);

        // Null while the stretch runs unclocked; its clocking once someone clocked it; Unclocked once it ended so.
        private Clocking? _clocked;

        /// <summary>The thread the stretch runs on.</summary>
        public int Thread { get; } = thread;

        /// <summary>When it began, in stopwatch ticks.</summary>
        public long Started { get; } = started;

        /// <summary>
        /// The CPU charged to the stretch so far. From another thread, starts its CPU clock when it has
        /// none yet; on its own thread, where the stretch cannot be waiting on itself, counts the wall
        /// time of an unclocked stretch without a system call.
        /// </summary>
        public long CpuSoFar(IThreadCpuClock clock, bool ownThread)
        {
            var clocked = Volatile.Read(ref _clocked);
            if (clocked is null)
            {
                if (ownThread) return WallBetween(Started, System.Diagnostics.Stopwatch.GetTimestamp());
                var cpu = clock.Read(Thread);
                if (cpu < 0) return WallBetween(Started, System.Diagnostics.Stopwatch.GetTimestamp());
                var mine = new Clocking(System.Diagnostics.Stopwatch.GetTimestamp(), cpu);
                clocked = Interlocked.CompareExchange(ref _clocked, mine, null) ?? mine;
                if (ReferenceEquals(clocked, mine)) return WallBetween(Started, mine.At);
            }
            return ReferenceEquals(clocked, Unclocked) ? 0 : Charged(clocked, clock);
        }

        /// <summary>Ends the stretch, on its own thread: the CPU to charge for all of it.</summary>
        public long Close(IThreadCpuClock clock) =>
            Interlocked.CompareExchange(ref _clocked, Unclocked, null) is { } clocked
                ? Charged(clocked, clock)
                : WallBetween(Started, System.Diagnostics.Stopwatch.GetTimestamp());

        /// <summary>The wall time until the stretch was clocked, and its thread's CPU since.</summary>
        private long Charged(Clocking clocked, IThreadCpuClock clock)
        {
            var now = clock.Read(Thread);
            return WallBetween(Started, clocked.At) + (now < 0 ? 0 : Math.Max(0, now - clocked.Cpu));
        }

        private static long WallBetween(long from, long to) => (long)(Math.Max(0, to - from) * NanosecondsPerTick);

        /// <summary>When the stretch was clocked (stopwatch ticks) and its thread's CPU time then (nanoseconds); told apart by reference.</summary>
        private sealed class Clocking(long at, long cpu)
        {
            public long At { get; } = at;

            public long Cpu { get; } = cpu;
        }
    }

    /// <summary>
    /// Lets go of the scheduler after running work inline; whatever was queued meanwhile (by the
    /// work's continuations or by other callers, who found the scheduler taken) goes to a drain.
    /// </summary>
    private void Release()
    {
        Volatile.Write(ref _draining, 0);
        // A task queued before the reset found the scheduler taken and started no drain.
        if (!QueueIsEmpty && Interlocked.CompareExchange(ref _draining, 1, 0) == 0) StartDrain();
    }

    /// <summary>Runs the queue on a thread-pool thread; the caller holds the scheduler.</summary>
    private void StartDrain() => ThreadPool.UnsafeQueueUserWorkItem(static s => s.Drain(), this, preferLocal: true);

    /// <inheritdoc/>
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        // Inlining is safe only on our own drain thread: anywhere else it would run worker code in parallel.
        IsCurrentThread && !taskWasPreviouslyQueued && TryExecuteTask(task);

    /// <inheritdoc/>
    protected override IEnumerable<Task> GetScheduledTasks() => Volatile.Read(ref _queue)?.ToArray() ?? [];

    private bool QueueIsEmpty => Volatile.Read(ref _queue) is not { } queue || queue.IsEmpty;

    private ConcurrentQueue<Task> Queue =>
        Volatile.Read(ref _queue) ?? Interlocked.CompareExchange(ref _queue, new ConcurrentQueue<Task>(), null) ?? _queue!;
}
