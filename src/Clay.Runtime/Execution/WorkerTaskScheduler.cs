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
    /// under way (as the thread running it has used so far); zero without a clock.
    /// </summary>
    public long CpuNanoseconds
    {
        get
        {
            var total = Interlocked.Read(ref _cpu);
            if (clock is null || Volatile.Read(ref _stretch) is not { } stretch) return total;
            var now = clock.Read(stretch.Thread);
            return now < 0 ? total : total + Math.Max(0, now - stretch.StartCpu);
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
        var thread = clock.CurrentThread;
        var stretch = new Stretch(thread, clock.Read(thread), System.Diagnostics.Stopwatch.GetTimestamp());
        Volatile.Write(ref _stretch, stretch);
        return stretch;
    }

    /// <summary>Adds the CPU of a stretch that ended to the total.</summary>
    private void End(Stretch? stretch)
    {
        if (stretch is null) return;
        Interlocked.Add(ref _cpu, Math.Max(0, clock!.Read(stretch.Thread) - stretch.StartCpu));
        Volatile.Write(ref _stretch, null);
    }

    /// <summary>A run of worker code on one thread: which thread, its CPU time and the time when it began.</summary>
    private sealed record Stretch(int Thread, long StartCpu, long Started);

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
