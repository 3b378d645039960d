using System.Runtime.InteropServices;

namespace Clay.Server.Hosting;

/// <summary>
/// Bounds a stop: once the server is asked to stop, a dedicated thread (not the thread pool, which
/// stuck worker code may be holding) waits the grace period and then ends the process, whatever is
/// still running. Nothing durable is lost by that: an invocation still running was never
/// acknowledged, its oplog holds where it started, and it resumes when its worker next runs.
/// </summary>
internal static class ShutdownWatchdog
{
    /// <summary>Arms the watchdog on <paramref name="lifetime"/>'s stopping signal.</summary>
    public static void Arm(IHostApplicationLifetime lifetime, TimeSpan grace)
    {
        lifetime.ApplicationStopping.Register(() =>
        {
            var thread = new Thread(() =>
            {
                Thread.Sleep(grace);
                Console.Error.WriteLine($"error[shutdown-timeout]: the server did not stop within {grace.TotalSeconds:0.###}s (--shutdown-timeout): "
                    + "worker code is still running; exiting now. Those invocations were not acknowledged; they resume when their workers next run.");
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
