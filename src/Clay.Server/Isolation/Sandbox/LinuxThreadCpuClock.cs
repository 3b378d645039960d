using Clay.Runtime.Execution;

namespace Clay.Server.Isolation.Sandbox;

/// <summary>
/// Threads' CPU time from Linux's per-thread CPU clocks (<c>clock_gettime</c> on a thread's clock id:
/// one system call, nanoseconds, no /proc parsing). Any thread of the process can read any other's.
/// </summary>
internal sealed class LinuxThreadCpuClock : IThreadCpuClock
{
    [ThreadStatic]
    private static int _thread;

    /// <inheritdoc/>
    public int CurrentThread => _thread != 0 ? _thread : _thread = LinuxCalls.GetTid();

    /// <inheritdoc/>
    public long Read(int thread)
    {
        // The clock id of a thread's CPU time (the kernel's MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED)).
        var clock = (~thread << 3) | 4 | 2;
        return LinuxCalls.ClockGetTime(clock, out var time) == 0 ? time.Seconds * 1_000_000_000 + time.Nanoseconds : -1;
    }

    /// <summary>A clock when this system has per-thread CPU clocks, else null.</summary>
    public static LinuxThreadCpuClock? TryCreate()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var clock = new LinuxThreadCpuClock();
            return clock.Read(clock.CurrentThread) >= 0 ? clock : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }
}
