using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Clay.Server.Hosting;

/// <summary>
/// Bounds a stop. The host gives its services <c>--shutdown-timeout</c> to stop; when worker code
/// is still running then (an endless loop, a wait on nothing) the silo stops without it, the store
/// is closed, and the server exits with <see cref="ServerExitCodes.ForcedStop"/>. Should even that
/// hang, a dedicated thread (not the thread pool, which the stuck code may hold) ends the process a
/// little later. Nothing durable is lost either way: an invocation still running was never
/// acknowledged, its oplog holds where it started, and it resumes when its worker next runs.
/// </summary>
internal static class ShutdownWatchdog
{
    private static long _stoppingSince;

    /// <summary>The message of a stop that outlasted its grace period.</summary>
    public static string Message(TimeSpan grace) =>
        $"error[shutdown-timeout]: the server did not stop within {grace.TotalSeconds:0.###}s (--shutdown-timeout): worker code was still running; "
        + "those invocations were not acknowledged, and resume when their workers next run";

    /// <summary>True when the stop that has finished took the whole grace period: workers were left running.</summary>
    public static bool TimedOut(TimeSpan grace) =>
        Interlocked.Read(ref _stoppingSince) is var since and not 0 && Stopwatch.GetElapsedTime(since) >= grace;

    /// <summary>Arms the watchdog on <paramref name="lifetime"/>'s stopping signal.</summary>
    public static void Arm(IHostApplicationLifetime lifetime, TimeSpan grace)
    {
        lifetime.ApplicationStopping.Register(() =>
        {
            Interlocked.CompareExchange(ref _stoppingSince, Stopwatch.GetTimestamp(), 0);
            var backstop = grace + TimeSpan.FromSeconds(Math.Max(5, grace.TotalSeconds / 4));
            var thread = new Thread(() =>
            {
                Thread.Sleep(backstop);
                Console.Error.WriteLine(Message(grace) + $"; still not stopped after {backstop.TotalSeconds:0.###}s, exiting now");
                Console.Error.Flush();
                Exit(ServerExitCodes.ForcedStop);
            })
            { IsBackground = true, Name = "clay shutdown watchdog" };
            thread.Start();
        });
    }

    /// <summary>Ends the process at once: no managed shutdown, which may itself be waiting on the stuck code.</summary>
    private static void Exit(int code)
    {
        if (OperatingSystem.IsWindows()) Environment.FailFast("shutdown timeout");
        ExitNow(code);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern void ExitNow(int status);
}
