namespace Clay.Runtime.Execution;

/// <summary>
/// Reads the CPU time of this process's threads, so the CPU a worker's code uses can be counted: the
/// executor reads it around each stretch of worker code (a run of its scheduler on one thread), and a
/// watchdog reads it for a stretch still under way. A component host supplies one; without it nothing
/// is counted.
/// </summary>
public interface IThreadCpuClock
{
    /// <summary>The operating system's id of the calling thread, as <see cref="Read"/> takes it.</summary>
    int CurrentThread { get; }

    /// <summary>The CPU time <paramref name="thread"/> has used, in nanoseconds; -1 when it is gone.</summary>
    long Read(int thread);
}
