using Clay.Cluster.Hosts;
using Clay.Cluster.Serialization;
using Clay.Runtime;
using Clay.Runtime.Execution;
using Clay.Runtime.Hosting;
using Clay.Runtime.Residency;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Clay.Server.Isolation;

/// <summary>
/// <c>clay-server component-host</c>: the process in which one component's code runs when the server
/// isolates components. It talks to the server over its standard input and output only (the channel),
/// runs the server's own executor code over a store and a catalog that ask the server, and exits when
/// the server closes the channel or goes away. Its standard error is the server's to log.
/// </summary>
internal static class ComponentHostMain
{
    /// <summary>The first argument that starts a component host.</summary>
    public const string Command = "component-host";

    /// <summary>How much more the host must have allocated before it tells the server again.</summary>
    private const long AllocationReportStep = 64 * 1024;

    /// <summary>Runs the host until the server closes the channel.</summary>
    public static async Task<int> RunAsync()
    {
        var settings = HostSettings.FromEnvironment();
        // Before anything of the component loads; this runs on the process's first thread, before any await.
        Sandbox.HostSandbox.LimitMemory(settings);
        Sandbox.HostSandbox.Enter(settings);
        // The channel owns the standard streams: anything component code prints goes to standard error.
        var input = Console.OpenStandardInput();
        var output = Console.OpenStandardOutput();
        Console.SetOut(Console.Error);
        using var provider = new ServiceCollection().AddSerializer(s => s.AddClaySerialization()).BuildServiceProvider();
        var serializer = provider.GetRequiredService<Serializer>();
        using var logging = Microsoft.Extensions.Logging.LoggerFactory.Create(l =>
        {
            l.AddSimpleConsole(o => o.SingleLine = true);
            l.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            l.SetMinimumLevel(LogLevel.Warning);
            // Worker log lines go to the server, which logs them (and streams them) as its own.
            l.AddFilter(Runtime.Diagnostics.WorkerLogForwarder.Category, LogLevel.None);
        });

        var ready = new TaskCompletionSource<HostWorkers>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var budget = new PeriodicTimer(ActivePeriod);
        var idle = 0;
        var channel = new HostChannel(input, output, serializer, call =>
        {
            // A call ends a quiet spell: the server hears of the host's workers at the active pace again.
            if (Volatile.Read(ref idle) == 1 && Interlocked.Exchange(ref idle, 0) == 1) budget.Period = ActivePeriod;
            // Once the host is ready, the worker's own task answers: no state machine of this handler's own per call.
            return ready.Task.IsCompletedSuccessfully ? ready.Task.Result.HandleAsync(call) : HandleWhenReadyAsync(ready.Task, call);
        }, _ => { }, $"component host {settings.Component}", HostChannel.MaxFrameBytesFor(settings.Limits.MaxEntryBytes),
            // Standard output is the pipe to the server, which only the channel writes.
            outputRoom: PipeRoom.Of(1),
            // An invocation starts on the thread that read it, with no hand-off to the pool, as does one
            // that waited for its worker to open: the channel's relief takes over reading should the
            // worker's code hold that thread.
            runOnReader: static call => call is HostInvoke);
        var links = new HostWorkerLinks(channel);
        var watched = settings.InvocationCpuLimit > TimeSpan.Zero || settings.InvocationBlockLimit > TimeSpan.Zero;
        var busy = new BusyWorkers();
        var options = new WorkerExecutorOptions
        {
            LoggerFactory = logging,
            // Its console prints no scopes; its workers' lines carry their invocation's fields to the server (LogSink below).
            InvocationLogScopes = false,
            SnapshotEvery = settings.SnapshotEvery,
            SnapshotEveryBytes = settings.SnapshotEveryBytes,
            IdempotencyKeys = settings.IdempotencyKeys,
            InvocationRetry = settings.InvocationRetry,
            Limits = settings.Limits,
            AdmitNewWorker = async (id, cancellationToken) => await channel.CallAsync(new AdmitCall(id.Component, id.Worker), cancellationToken),
            // Lines written live go to the server's live streams; replayed ones are never passed on. A line
            // written as an invocation runs on the channel's reading thread goes in the same write as its answer.
            LogSink = (id, index, line, function, invocationKey) =>
                channel.NotifySoon(new HostLogLine(id.Worker, index, line.Timestamp, (int)line.Level, line.Context, line.Message,
                    function, invocationKey)),
            WakeUps = links,
            Workers = links,
            ThreadCpuClock = watched ? Sandbox.LinuxThreadCpuClock.TryCreate() : null,
            // The watchdog and the tally of invocations look only at the workers that have some.
            Busy = busy,
            // What component code writes to the console becomes its workers' log lines, forwarded like the rest.
            CaptureConsole = true,
        };
        var catalog = new HostCatalog(channel);
        var services = new WorkerServices(new RemoteOplogStore(channel, settings.Component), catalog, options, new ResidentWorkers(busy))
        {
            Recovered = (id, duration) => channel.Notify(new HostNotice(id.Component, id.Worker, duration.Ticks)),
            OplogReadTimeLimit = settings.QueryTimeout,
        };
        using var telemetry = new HostTelemetry(settings);
        var workers = new HostWorkers(settings.Component, services, catalog, settings.MemoryBudgetBytes);
        ready.SetResult(workers);
        if (options.ThreadCpuClock is not null)
        {
            new InvocationWatchdog(settings.Component, busy, channel, settings.InvocationCpuLimit, settings.InvocationBlockLimit).Start();
        }

        var last = new HostResidency(0, 0, 0);
        var allocated = 0L;
        while (await Task.WhenAny(channel.Closed, budget.WaitForNextTickAsync().AsTask()) != channel.Closed)
        {
            var (now, evictions) = await workers.EnforceBudgetAsync(settings.Component);
            if (evictions is not null) channel.Notify(evictions);
            var moved = now != last;
            if (moved) channel.Notify(now);
            if (telemetry.Drain() is { } measurements)
            {
                channel.Notify(measurements);
                moved = true;
            }
            if (GC.GetTotalAllocatedBytes() is var total && total - allocated >= AllocationReportStep)
            {
                channel.Notify(new HostAllocations(total));
                allocated = total;
            }
            last = now with { Evicted = 0 };
            // An idle host wakes less and less often (at most every IdlePeriod); a change, or a call of the
            // server, brings it back to ActivePeriod.
            if (moved)
            {
                Volatile.Write(ref idle, 0);
                budget.Period = ActivePeriod;
            }
            else
            {
                budget.Period = TimeSpan.FromTicks(Math.Min(budget.Period.Ticks * 2, IdlePeriod.Ticks));
                Volatile.Write(ref idle, 1);
            }
        }
        // The server has gone or closed the channel: nothing can be committed any more, so nothing is waited for.
        return 0;
    }

    /// <summary>How often a busy host checks its budget and passes on its measurements.</summary>
    private static readonly TimeSpan ActivePeriod = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest pause between those checks once nothing changes.</summary>
    private static readonly TimeSpan IdlePeriod = TimeSpan.FromSeconds(2);

    private static async Task<object?> HandleWhenReadyAsync(Task<HostWorkers> ready, object call) => await (await ready).HandleAsync(call);
}
