using System.Diagnostics;

namespace Clay.Reliability;

/// <summary>What to do when a started process has exited and all it wrote has been read.</summary>
public static class ProcessExits
{
    /// <summary>
    /// Runs <paramref name="exited"/> once <paramref name="process"/> (started with its output read
    /// asynchronously) has exited and both its output streams are drained. <see cref="Process.Exited"/>
    /// alone can come before the last lines are read: a start-up failure would be reported without its cause.
    /// </summary>
    public static void WhenExitedAndDrained(this Process process, Action exited)
    {
        ArgumentNullException.ThrowIfNull(process);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => _ = process.WaitForExitAsync().ContinueWith(_ => exited(), TaskScheduler.Default);
    }
}
