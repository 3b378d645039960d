using Clay.Cluster.Workers;
using Clay.Runtime.Execution;
using Clay.Runtime.Hosting;
using Clay.Runtime.Storage;
using Clay.Server.Components;
using Clay.Server.Isolation;
using Clay.Server.Logs;
using Clay.Server.Workers;
using Orleans.Serialization;

namespace Clay.Server.Hosting;

// Component hosts (--isolation process): the server's side of them, and what it tells them.
public static partial class ClayServer
{
    private static void AddComponentHosts(IServiceCollection services, ServerOptions options, IOplogStore store)
    {
        var landlock = Isolation.Sandbox.Landlock.Version();
        services.AddSingleton(sp => new ServerSideOfHosts(store, sp.GetRequiredService<ComponentRegistry>(), sp.GetRequiredService<IWorkerQuota>(),
            sp.GetRequiredService<ClayMetrics>(), sp.GetRequiredService<WakeUpTimers>(), sp.GetRequiredService<WorkerExecutorOptions>().Workers,
            sp.GetRequiredService<WorkerLogBroadcaster>().Publish, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new ComponentHosts(
            component => new HostSettings
            {
                Component = component,
                SnapshotEvery = options.SnapshotEvery,
                SnapshotEveryBytes = options.SnapshotEveryBytes,
                IdempotencyKeys = options.IdempotencyKeys,
                InvocationRetry = options.InvocationRetry,
                Limits = options.Limits,
                MemoryBudgetBytes = options.EffectiveMemoryBudget,
                QueryTimeout = options.QueryTimeout,
                Sandbox = landlock > 0,
                ComponentDirectory = sp.GetRequiredService<ComponentRegistry>().ComponentDirectory(component),
                InvocationCpuLimit = options.InvocationCpuLimit,
                InvocationBlockLimit = options.InvocationBlockLimit,
                Tracing = ServerTelemetry.TracingEnabled(options),
                OtlpEndpoint = options.OtlpEndpoint,
                TraceSampleRatio = options.TraceSampleRatio,
            },
            options.HostMemoryBytes, Path.Combine(options.DataDirectory, "hosts"), sp.GetRequiredService<Serializer>(),
            sp.GetRequiredService<ServerSideOfHosts>(), (worker, _) => sp.GetRequiredService<IGrainFactory>().Worker(worker).WakeAsync(),
            store, sp.GetRequiredService<ClayMetrics>(), sp.GetRequiredService<ILogger<ComponentHosts>>()));
        services.AddSingleton<Clay.Cluster.Nodes.IResidentSource>(sp => sp.GetRequiredService<ComponentHosts>());
    }

    private static void ConnectComponentHosts(WebApplication app, ComponentHosts hosts)
    {
        var landlock = Isolation.Sandbox.Landlock.Version();
        var logger = app.Services.GetRequiredService<ILogger<ComponentHosts>>();
        if (landlock > 0) logger.LogInformation("Component hosts run in a file-system sandbox (Landlock version {Version})", landlock);
        else logger.LogWarning("This kernel has no Landlock: component hosts run without a file-system sandbox and can read what the server's user can (see docs/isolation.md)");
        app.Services.GetRequiredService<ComponentRegistry>().VersionAdded = name =>
        {
            hosts.Release(name);
            // Its first call should not wait for a process to start.
            _ = hosts.WarmAsync(name);
        };
        var fromHosts = app.Services.GetRequiredService<ServerSideOfHosts>();
        // A worker a host has evicted keeps no grain in the server either (one-way calls: nothing waits on the channel's reader).
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        var dropped = app.Services.GetRequiredService<Runtime.Residency.DroppedMemory>();
        fromHosts.LetGo = (id, callsSeen) =>
        {
            _ = grains.Worker(id).ReleaseAsync(callsSeen);
            dropped.Dropped(Runtime.Residency.ResidentWorkers.OverheadBytes);
        };
        var metrics = app.Services.GetRequiredService<ClayMetrics>();
        metrics.Elsewhere = () => (fromHosts.Resident, fromHosts.Pending, fromHosts.Running);
        metrics.ElsewhereAllocated = () => fromHosts.Allocated;
        // A server that exits without a clean stop leaves no host behind (a host also ends when its channel closes).
        AppDomain.CurrentDomain.ProcessExit += (_, _) => hosts.KillAll();
    }
}
