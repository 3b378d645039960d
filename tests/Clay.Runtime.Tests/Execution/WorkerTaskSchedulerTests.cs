using Clay.Runtime.Execution;

namespace Clay.Runtime.Tests.Execution;

public sealed class WorkerTaskSchedulerTests
{
    [Fact]
    public async Task Work_on_an_idle_scheduler_starts_on_the_calling_thread()
    {
        var scheduler = new WorkerTaskScheduler();
        var caller = Environment.CurrentManagedThreadId;

        var (thread, onScheduler) = await scheduler.Run(() => Task.FromResult((Environment.CurrentManagedThreadId, scheduler.IsCurrentThread)));

        Assert.Equal(caller, thread);
        Assert.True(onScheduler);
        Assert.False(scheduler.IsCurrentThread);
    }

    [Fact]
    public async Task Work_started_while_the_scheduler_is_busy_waits_its_turn_and_never_overlaps()
    {
        var scheduler = new WorkerTaskScheduler();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new List<string>();
        var running = 0;
        var overlapped = false;

        async Task<int> Step(string name, Task wait)
        {
            if (Interlocked.Increment(ref running) > 1) overlapped = true;
            order.Add(name + " start");
            Interlocked.Decrement(ref running);
            await wait; // the continuation comes back through the scheduler
            if (Interlocked.Increment(ref running) > 1) overlapped = true;
            Assert.True(scheduler.IsCurrentThread, $"{name} resumed off the scheduler on thread {Environment.CurrentManagedThreadId}, scheduler {TaskScheduler.Current.GetType().Name}");
            order.Add(name + " end");
            Interlocked.Decrement(ref running);
            return 0;
        }

        var first = scheduler.Run(() => Step("first", gate.Task));
        var second = Task.Run(() => scheduler.Run(() => Step("second", Task.CompletedTask)));
        var third = Task.Run(() => scheduler.Run(() => Step("third", Task.Run(() => { }))));
        gate.SetResult();
        await Task.WhenAll(first, second, third).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(overlapped);
        Assert.Equal(6, order.Count);
        Assert.Equal("first start", order[0]);
        Assert.All(new[] { "first", "second", "third" }, name => Assert.True(order.IndexOf(name + " start") < order.IndexOf(name + " end")));
    }

    [Fact]
    public async Task Many_callers_racing_for_an_idle_scheduler_run_one_at_a_time()
    {
        var scheduler = new WorkerTaskScheduler();
        var running = 0;
        var maximum = 0;
        var count = 0;

        void Slice()
        {
            InterlockedMax(ref maximum, Interlocked.Increment(ref running));
            var seen = count;
            Thread.SpinWait(2_000); // widen the window in which a second thread could run a slice
            count = seen + 1; // not atomic: a lost update would show two slices running at once
            Interlocked.Decrement(ref running);
        }

        await Task.WhenAll(Enumerable.Range(0, 2_000).Select(i => Task.Run(() => scheduler.Run(async () =>
        {
            Slice();
            if (i % 3 == 0)
            {
                // Other work may run while this one is suspended, but never beside its next slice.
                await Task.Yield();
                Assert.True(scheduler.IsCurrentThread);
                Slice();
            }
            return i;
        })))).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, maximum);
        Assert.Equal(2_000 + 667, count);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    [Fact]
    public async Task A_short_stretch_of_worker_code_is_charged_its_wall_time_without_reading_the_thread_s_cpu_clock()
    {
        var clock = new FakeCpuClock();
        var scheduler = new WorkerTaskScheduler(clock);

        var before = System.Diagnostics.Stopwatch.GetTimestamp();
        await scheduler.Run(() => Task.FromResult(0));
        var wall = System.Diagnostics.Stopwatch.GetElapsedTime(before);

        Assert.Equal(0, clock.Reads);
        Assert.InRange(scheduler.CpuNanoseconds, 0, (long)(wall.Ticks * 100));
    }

    [Fact]
    public async Task A_stretch_asked_for_its_cpu_while_it_runs_is_charged_by_its_thread_s_cpu_clock_from_then_on()
    {
        var clock = new FakeCpuClock { Now = 1_000_000 };
        var scheduler = new WorkerTaskScheduler(clock);
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();

        var begun = System.Diagnostics.Stopwatch.GetTimestamp();
        var stretch = Task.Run(() => scheduler.Run(() =>
        {
            started.Set();
            Assert.True(release.Wait(TimeSpan.FromSeconds(30)));
            return Task.FromResult(0);
        }));
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        // A watchdog's look: the stretch's clock starts here, and what went before is charged as wall time.
        var soFar = scheduler.CpuNanoseconds;
        var prefix = (long)(System.Diagnostics.Stopwatch.GetElapsedTime(begun).Ticks * 100);
        Assert.Equal(1, clock.Reads);
        Assert.InRange(soFar, 0, prefix);
        clock.Now = 5_000_000;
        Assert.InRange(scheduler.CpuNanoseconds, 4_000_000, prefix + 4_000_000);
        release.Set();
        await stretch;

        // The end reads the clock once more: the stretch is charged its prefix and the 4 ms its thread used since.
        Assert.Equal(3, clock.Reads);
        Assert.Equal(soFar + 4_000_000, scheduler.CpuNanoseconds);
    }

    /// <summary>A thread CPU clock that says what the test sets and counts its reads.</summary>
    private sealed class FakeCpuClock : IThreadCpuClock
    {
        private int _reads;

        public long Now { get; set; }

        public int Reads => Volatile.Read(ref _reads);

        public int CurrentThread => Environment.CurrentManagedThreadId;

        public long Read(int thread)
        {
            Interlocked.Increment(ref _reads);
            return Now;
        }
    }
}
