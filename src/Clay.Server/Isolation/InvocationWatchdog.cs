using Clay.Cluster.Hosts;
using Clay.Runtime.Execution;
using Clay.Server.Isolation.Sandbox;

namespace Clay.Server.Isolation;

/// <summary>
/// Watches the invocations running in a component host, on a thread of its own (threads the
/// component blocks or spins cannot delay it): one whose code has used more CPU time than
/// <c>--invocation-cpu-limit</c>, or has held a thread without giving it back for longer than
/// <c>--invocation-block-limit</c>, cannot be stopped inside the process — .NET cannot abort a
/// thread — so the host reports it and the server ends the host: the crash path, charged to that
/// worker. If the server does not end it within seconds, the host ends itself. It looks ten times a
/// second while an invocation runs, once a second otherwise, and only at the workers that have
/// invocations (<see cref="BusyWorkers"/>).
/// </summary>
internal sealed class InvocationWatchdog(string component, BusyWorkers invocations, HostChannel channel, TimeSpan cpuLimit, TimeSpan blockLimit)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);
    // With nothing running, the watchdog looks every second: an idle host should not wake ten times a second.
    private static readonly TimeSpan IdleTick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan GraceToBeEnded = TimeSpan.FromSeconds(5);

    /// <summary>Starts watching on a background thread (nothing to watch without a limit).</summary>
    public void Start()
    {
        if (cpuLimit <= TimeSpan.Zero && blockLimit <= TimeSpan.Zero) return;
        new Thread(Watch) { IsBackground = true, Name = "clay invocation watchdog" }.Start();
    }

    private void Watch()
    {
        var running = false;
        while (!channel.Closed.IsCompleted)
        {
            Thread.Sleep(running ? Tick : IdleTick);
            running = false;
            // Only the workers with invocations: a pass over every resident one would cost tens of
            // milliseconds at a hundred thousand, ten times a second.
            foreach (var executor in invocations.Executors)
            {
                if (executor.Status != WorkerStatus.Running) continue;
                running = true;
                if (Breach(executor) is not { } reason) continue;
                channel.Notify(new HostLimitReached(component, executor.Id.Worker, reason));
                Thread.Sleep(GraceToBeEnded);
                LinuxCalls.Kill(Environment.ProcessId, 9);
                return;
            }
        }
    }

    private string? Breach(WorkerExecutor executor)
    {
        var function = executor.RunningFunction ?? "an invocation";
        if (cpuLimit > TimeSpan.Zero && executor.InvocationCpu is var cpu && cpu > cpuLimit)
        {
            return $"the invocation of {function} on worker {executor.Id} used {Seconds(cpu)} of CPU time, more than the limit of " +
                $"{Seconds(cpuLimit)} (--invocation-cpu-limit)";
        }
        if (blockLimit > TimeSpan.Zero && executor.CodeHoldingThreadFor is var held && held > blockLimit)
        {
            return $"the invocation of {function} on worker {executor.Id} held its thread for {Seconds(held)} without giving it back " +
                $"(a blocking wait or an endless loop), more than the limit of {Seconds(blockLimit)} (--invocation-block-limit)";
        }
        return null;
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0#", System.Globalization.CultureInfo.InvariantCulture) + " s";
}
