using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Clay.Cluster.Serialization;
using Orleans.Serialization;
using Clay.Cluster.Workers;
using Clay.Runtime.Hosting;
using Clay.Runtime.Residency;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Clay.Server.Api;
using Clay.Server.Components;
using Clay.Server.Isolation;
using Clay.Server.Workers;
using Clay.Storage.Sqlite;
using OpenTelemetry.Metrics;
using Orleans.Configuration;

namespace Clay.Server.Hosting;

/// <summary>
/// Composes the server: embedded storage, the component registry, a one-silo Orleans cluster
/// whose grains run the workers, and the REST API.
/// </summary>
public static class ClayServer
{
    /// <summary>Builds the server for <paramref name="options"/>; storage is opened (and checked) here.</summary>
    public static async Task<WebApplication> BuildAsync(ServerOptions options)
    {
        PortProbe.EnsureFree(options.Listen, options.Port);
        // A new data directory is the user's alone: it holds every worker's state and the access token.
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(options.DataDirectory);
        else Directory.CreateDirectory(options.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Clay", LogLevel.Information);
        // Orleans advises server GC at start-up; Clay chooses the workstation GC on purpose (smaller heaps per core).
        builder.Logging.AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(options.Listen, options.Port);
            k.Limits.MaxRequestBodySize = options.MaxPackageBytes + (1 << 20);
        });

        using var bootstrapLogs = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true));
        var store = await SqliteOplogStore.OpenAsync(
            new SqliteStoreOptions { DatabasePath = Path.Combine(options.DataDirectory, "oplog.db") },
            bootstrapLogs.CreateLogger<SqliteOplogStore>());
        builder.Services.AddSingleton<IOplogStore>(store);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(sp => new ComponentRegistry(options.DataDirectory, options.Packages,
            sp.GetRequiredService<ILogger<ComponentRegistry>>()));
        builder.Services.AddSingleton<ComponentUsers>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.AddSingleton<IComponentCatalog>(sp => sp.GetRequiredService<ComponentRegistry>());
        var quota = new WorkerQuota(options.MaxWorkersPerComponent);
        await quota.LoadAsync(store);
        builder.Services.AddSingleton(quota);
        builder.Services.AddSingleton(sp => new WorkerExecutorOptions
        {
            LoggerFactory = sp.GetRequiredService<ILoggerFactory>(),
            SnapshotEvery = options.SnapshotEvery,
            SnapshotEveryBytes = options.SnapshotEveryBytes,
            IdempotencyKeys = options.IdempotencyKeys,
            Limits = options.Limits,
            AdmitNewWorker = quota.Admit,
            WakeUps = sp.GetRequiredService<WakeUpTimers>(),
            Workers = new GrainWorkerCaller(sp.GetRequiredService<IGrainFactory>()),
        });
        builder.Services.AddSingleton(sp => new WakeUpTimers(
            (worker, _) => sp.GetRequiredService<IGrainFactory>().GetGrain<IWorkerGrain>(WorkerGrainKey.Of(worker)).WakeAsync(),
            TimeProvider.System, sp.GetRequiredService<ILogger<WakeUpTimers>>()));
        builder.Services.AddHostedService<StartupRecovery>();
        builder.Services.AddSingleton<ResidentWorkers>();
        builder.Services.AddSingleton(sp => new WorkerServices(store, sp.GetRequiredService<IComponentCatalog>(),
            sp.GetRequiredService<WorkerExecutorOptions>(), sp.GetRequiredService<ResidentWorkers>())
        {
            Recovered = (_, duration) => sp.GetRequiredService<ClayMetrics>().Recovered(duration),
            Deleted = quota.Release,
            OplogReadTimeLimit = options.QueryTimeout,
            OpenDoor = options.Isolation == IsolationMode.Process
                ? (id, services) => new RemoteWorkerDoor(id, services, sp.GetRequiredService<ComponentHosts>())
                : null,
        });
        if (options.Isolation == IsolationMode.Process)
        {
            builder.Services.AddSingleton(sp => new ServerSideOfHosts(store, sp.GetRequiredService<ComponentRegistry>(), quota.Admit, sp.GetRequiredService<ClayMetrics>(),
                sp.GetRequiredService<WakeUpTimers>(), sp.GetRequiredService<WorkerExecutorOptions>().Workers));
            builder.Services.AddSingleton(sp => new ComponentHosts(
                component => new HostSettings
                {
                    Component = component,
                    SnapshotEvery = options.SnapshotEvery,
                    SnapshotEveryBytes = options.SnapshotEveryBytes,
                    IdempotencyKeys = options.IdempotencyKeys,
                    Limits = options.Limits,
                    MemoryBudgetBytes = options.EffectiveMemoryBudget,
                    QueryTimeout = options.QueryTimeout,
                },
                options.HostMemoryBytes, Path.Combine(options.DataDirectory, "hosts"), sp.GetRequiredService<Serializer>(),
                sp.GetRequiredService<ServerSideOfHosts>(),
                store, sp.GetRequiredService<ClayMetrics>(), sp.GetRequiredService<ILogger<ComponentHosts>>()));
        }
        builder.Services.AddSingleton(sp => new ClayMetrics(sp.GetRequiredService<ResidentWorkers>(),
            () => options.EffectiveMemoryBudget, () => sp.GetRequiredService<ResidencyManager>().Used + (sp.GetService<ServerSideOfHosts>()?.MemoryUsed ?? 0),
            () => store.Statistics.Entries, () => store.Statistics.Bytes));
        builder.Services.AddSingleton<ResidencyManager>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ResidencyManager>());
        // System.Runtime is the .NET runtime's own meter (GC heap, allocated bytes, thread pool, CPU time),
        // published by the runtime itself when a listener asks for it.
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(ClayMetrics.MeterName, "System.Runtime").AddPrometheusExporter());
        builder.Services.AddOpenApi();
        // Malformed bodies throw, so the error middleware answers them with a coded JSON error.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        var (siloPort, gatewayPort) = (FreePort(), FreePort());
        builder.UseOrleans(silo =>
        {
            silo.Services.AddSerializer(serializer => serializer.AddClaySerialization());
            silo.UseLocalhostClustering(siloPort, gatewayPort);
            silo.Configure<ClusterOptions>(o => { o.ClusterId = "clay"; o.ServiceId = "clay"; });
            silo.Configure<GrainCollectionOptions>(o =>
            {
                o.CollectionQuantum = TimeSpan.FromSeconds(Math.Clamp(options.MaxIdle.TotalSeconds / 2, 1, 60));
                o.CollectionAge = options.MaxIdle > o.CollectionQuantum ? options.MaxIdle : o.CollectionQuantum + TimeSpan.FromSeconds(1);
            });
        });

        var token = AccessToken.LoadOrCreate(options.DataDirectory);
        var app = builder.Build();
        var hosts = app.Services.GetService<ComponentHosts>();
        if (hosts is not null)
        {
            app.Services.GetRequiredService<ComponentRegistry>().VersionAdded = name =>
            {
                hosts.Release(name);
                // Its first call should not wait for a process to start.
                _ = hosts.WarmAsync(name);
            };
            var fromHosts = app.Services.GetRequiredService<ServerSideOfHosts>();
            app.Services.GetRequiredService<ClayMetrics>().ResidentElsewhere = () => fromHosts.Resident;
            // A server that exits without a clean stop leaves no host behind (a host also ends when its channel closes).
            AppDomain.CurrentDomain.ProcessExit += (_, _) => hosts.KillAll();
        }
        // Who may ask comes first: the origin of the request, then its credential, and only then its size.
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseMiddleware<RequestGuardMiddleware>(options);
        app.UseMiddleware<AccessTokenMiddleware>(token, options);
        app.UseMiddleware<RequestSizeMiddleware>(options);
        app.MapOpenApi("/openapi/v1.json");
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/health", () => new { status = "ok", version = typeof(ClayServer).Assembly.GetName().Version?.ToString(3) });
        app.MapComponentEndpoints();
        app.MapWorkerEndpoints();
        app.MapFallback((HttpContext context) =>
            HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/v1/components", StringComparison.Ordinal)
                && context.Request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true
                ? ApiErrors.Result(ServerErrorCodes.InvalidRequest, "the request needs a JSON body (Content-Type: application/json); see /openapi/v1.json")
                : ApiErrors.Result(ServerErrorCodes.NotFound, $"no route for {context.Request.Method} {context.Request.Path}; see /openapi/v1.json"));

        var port = options.Port;
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            port = ListeningPort(app) ?? options.Port;
            if (options.BeyondLoopback && token.Created)
            {
                Console.WriteLine($"Access token (shown once; kept in {token.FilePath}): {token.Value}");
                Console.WriteLine("Give it to clients with: clay profile set token TOKEN (or CLAY_TOKEN=TOKEN)");
            }
            else if (options.BeyondLoopback)
            {
                Console.WriteLine($"Requests need the access token in {token.FilePath}");
            }
            var logger = app.Services.GetRequiredService<ILogger<WebApplication>>();
            if (LocalServerFile.Write(port, options.DataDirectory, token.FilePath, m => logger.LogWarning("{Message}", m)) is { } file && !options.BeyondLoopback)
            {
                Console.WriteLine($"Requests need the local access token in {token.FilePath}; clay on this machine finds it through {file}");
            }
            Console.WriteLine($"Clay server ready on http://{FormatHost(options.Listen)}:{port} (data: {options.DataDirectory})");
        });
        ShutdownWatchdog.Arm(app.Lifetime, options.ShutdownTimeout);
        // SIGTERM and SIGINT stop the host already; a closed terminal (SIGHUP) stops it the same clean way.
        var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            app.Lifetime.StopApplication();
        });
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            hangUp.Dispose();
            LocalServerFile.Remove(port);
            // The silo has stopped: every worker was closed in its host. The hosts end before the store closes.
            hosts?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            // The silo has stopped and its workers committed: drain the writer, checkpoint the WAL, release the lock.
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Console.WriteLine("Clay server stopped");
        });
        return app;
    }

    private static int? ListeningPort(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses;
        return addresses?.Select(a => Uri.TryCreate(a, UriKind.Absolute, out var uri) ? uri.Port : (int?)null).FirstOrDefault(p => p is not null);
    }

    private static string FormatHost(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
