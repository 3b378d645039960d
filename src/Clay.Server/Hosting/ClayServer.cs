using System.Net;
using System.Runtime.InteropServices;
using Clay.Cluster.Nodes;
using Clay.Cluster.Workers;
using Clay.Runtime.Hosting;
using Clay.Runtime.Residency;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Clay.Server.Api;
using Clay.Server.Cluster;
using Clay.Server.Components;
using Clay.Server.Dashboard;
using Clay.Server.Health;
using Clay.Server.Isolation;
using Clay.Server.Logs;
using Clay.Server.Stats;
using Clay.Server.Workers;
using Clay.Storage.Postgres;
using Clay.Storage.Sqlite;
using OpenTelemetry.Metrics;

namespace Clay.Server.Hosting;

/// <summary>
/// Composes the server: storage, the component registry, the Orleans silo whose grains run the
/// workers, and the REST API. On its own a node keeps everything in SQLite under its data directory
/// and runs a one-silo cluster; with <see cref="ServerOptions.Cluster"/> it keeps oplogs, components
/// and worker counts in PostgreSQL and joins the other nodes through Orleans' membership table there.
/// </summary>
public static partial class ClayServer
{
    /// <summary>
    /// How long before its wake-up time a sleeping worker out of memory is brought back, so that
    /// loading its component and replaying its oplog do not make it late (see <see cref="WakeUpTimers"/>).
    /// </summary>
    public static readonly TimeSpan WakeUpWarmUp = TimeSpan.FromSeconds(2);

    /// <summary>Builds the server for <paramref name="options"/>; storage is opened (and checked) here.</summary>
    public static async Task<WebApplication> BuildAsync(ServerOptions options)
    {
        PortProbe.EnsureFree(options.Listen, options.Port);
        // A new data directory is the user's alone: it holds every worker's state and the access token.
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(options.DataDirectory);
        else Directory.CreateDirectory(options.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        ServerTelemetry.ConfigureLogging(builder.Logging, options);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Clay", LogLevel.Information);
        // Orleans advises server GC at start-up; Clay chooses the workstation GC on purpose (smaller heaps per core).
        builder.Logging.AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
        // ASP.NET Core makes an Activity (and its ids) for every request while this category logs at any
        // level; it logs only requests' starts and ends, at Information. Spans, when traced, are the
        // tracer's, and an application's errors reach the log through Kestrel's category and Clay's own.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(options.Listen, options.Port);
            k.Limits.MaxRequestBodySize = options.MaxPackageBytes + (1 << 20);
        });

        using var bootstrapLogs = ServerTelemetry.BootstrapLogging(options);
        IOplogStore store;
        GroupCommitStatistics statistics;
        ClusterDatabase? cluster = null;
        Func<IServiceProvider, IWorkerQuota> quota;
        if (options.Cluster is { } url)
        {
            var postgres = await PostgresOplogStore.OpenAsync(new PostgresStoreOptions { ConnectionString = url, Schema = ClusterDatabase.Schema },
                bootstrapLogs.CreateLogger<PostgresOplogStore>());
            (store, statistics) = (postgres, postgres.Statistics);
            var database = cluster = await ClusterDatabase.OpenAsync(url);
            quota = sp => new PostgresWorkerQuota(database, options.MaxWorkersPerComponent, sp.GetRequiredService<ILogger<PostgresWorkerQuota>>());
            builder.Services.AddSingleton(database);
        }
        else
        {
            var sqlite = await SqliteOplogStore.OpenAsync(
                new SqliteStoreOptions { DatabasePath = Path.Combine(options.DataDirectory, "oplog.db") },
                bootstrapLogs.CreateLogger<SqliteOplogStore>());
            (store, statistics) = (sqlite, sqlite.Statistics);
            var local = new WorkerQuota(options.MaxWorkersPerComponent);
            await local.LoadAsync(store);
            quota = _ => local;
        }
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(sp => new ComponentRegistry(options.DataDirectory, options.Packages,
            sp.GetRequiredService<ILogger<ComponentRegistry>>(), cluster is null ? null : new PostgresComponentStore(cluster)));
        builder.Services.AddSingleton<ComponentUsers>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.AddSingleton<IComponentCatalog>(sp => sp.GetRequiredService<ComponentRegistry>());
        builder.Services.AddSingleton<IWorkerQuota>(sp => quota(sp));
        builder.Services.AddSingleton<ClusterNodes>();
        if (cluster is not null) builder.Services.AddHostedService<FailoverWake>();
        var logs = new WorkerLogBroadcaster();
        builder.Services.AddSingleton(logs);
        builder.Services.AddSingleton(sp => new WorkerExecutorOptions
        {
            LogSink = (worker, index, line, _, _) => logs.Publish(worker, index, line),
            CaptureConsole = true,
            LoggerFactory = sp.GetRequiredService<ILoggerFactory>(),
            SnapshotEvery = options.SnapshotEvery,
            SnapshotEveryBytes = options.SnapshotEveryBytes,
            IdempotencyKeys = options.IdempotencyKeys,
            InvocationRetry = options.InvocationRetry,
            Limits = options.Limits,
            AdmitNewWorker = sp.GetRequiredService<IWorkerQuota>().AdmitAsync,
            WakeUps = sp.GetRequiredService<WakeUpTimers>(),
            Workers = new GrainWorkerCaller(sp.GetRequiredService<IGrainFactory>()),
        });
        builder.Services.AddSingleton(sp => new WakeUpTimers(
            (worker, _) => sp.GetRequiredService<IGrainFactory>().Worker(worker).WakeAsync(),
            TimeProvider.System, sp.GetRequiredService<ILogger<WakeUpTimers>>(), warmUp: WakeUpWarmUp));
        builder.Services.AddHostedService<StartupRecovery>();
        builder.Services.AddSingleton<ResidentWorkers>();
        builder.Services.AddSingleton(sp => new WorkerServices(store, sp.GetRequiredService<IComponentCatalog>(),
            sp.GetRequiredService<WorkerExecutorOptions>(), sp.GetRequiredService<ResidentWorkers>())
        {
            Recovered = (_, duration) => sp.GetRequiredService<ClayMetrics>().Recovered(duration),
            Deleted = sp.GetRequiredService<IWorkerQuota>().Release,
            OplogReadTimeLimit = options.QueryTimeout,
            OpenDoor = options.Isolation == IsolationMode.Process
                ? (id, services) => new RemoteWorkerDoor(id, services, sp.GetRequiredService<ComponentHosts>())
                : null,
        });
        if (options.Isolation == IsolationMode.Process) AddComponentHosts(builder.Services, options, store);
        builder.Services.AddSingleton(sp => new ClayMetrics(sp.GetRequiredService<ResidentWorkers>(), sp.GetRequiredService<WakeUpTimers>(),
            () => options.EffectiveMemoryBudget, () => sp.GetRequiredService<ResidencyManager>().Used + (sp.GetService<ServerSideOfHosts>()?.MemoryUsed ?? 0),
            () => statistics.Entries, () => statistics.Bytes));
        builder.Services.AddSingleton(new DroppedMemory(options.EffectiveMemoryBudget / 4));
        builder.Services.AddSingleton<ResidencyManager>();
        builder.Services.AddSingleton(sp => new NodeResources(() => sp.GetRequiredService<ResidencyManager>().Used, options.EffectiveMemoryBudget));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ResidencyManager>());
        // System.Runtime is the .NET runtime's own meter (GC heap, allocated bytes, thread pool, CPU time),
        // published by the runtime itself when a listener asks for it.
        // The runtime's invocation and commit instruments share the meter's name (Clay).
        var telemetry = builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(ClayMetrics.MeterName, "System.Runtime").AddPrometheusExporter());
        var tracing = ServerTelemetry.TracingEnabled(options);
        if (tracing) telemetry.WithTracing(t => ServerTelemetry.ConfigureTracing(t, options));
        builder.Services.AddClayHealthChecks();
        builder.Services.AddSingleton(sp => new ServerStatsRecorder(TimeProvider.System));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ServerStatsRecorder>());
        builder.Services.AddOpenApi();
        // Malformed bodies throw, so the error middleware answers them with a coded JSON error.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        builder.UseOrleans(silo =>
        {
            SiloSetup.Configure(silo, options, cluster);
            // The grain call joins the REST request's trace, and the invocation the grain call's.
            if (tracing) silo.AddActivityPropagation();
        });

        var token = AccessToken.LoadOrCreate(options.DataDirectory);
        // The nodes of a cluster share one token, so a client may call any of them.
        if (cluster is not null) token = token.Adopt(await cluster.SharedTokenAsync(token.Value));
        var app = builder.Build();
        var hosts = app.Services.GetService<ComponentHosts>();
        if (hosts is not null) ConnectComponentHosts(app, hosts);
        // Who may ask comes first: the origin of the request, then its credential, and only then its size.
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.UseMiddleware<RequestGuardMiddleware>(options);
        app.UseMiddleware<AccessTokenMiddleware>(token, options);
        app.UseMiddleware<RequestSizeMiddleware>(options);
        app.MapOpenApi("/openapi/v1.json");
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapClayHealthChecks();
        app.MapGet("/health", () => new { status = "ok", version = typeof(ClayServer).Assembly.GetName().Version?.ToString(3) });
        app.MapComponentEndpoints();
        app.MapWorkerEndpoints();
        app.MapClusterEndpoints();
        app.MapLogStreamEndpoint();
        app.MapStatsEndpoint();
        app.MapDashboard(token);
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
            var where = cluster is null ? $"data: {options.DataDirectory}" : $"cluster: {cluster.Description}, node {app.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress}";
            var url = $"http://{SiloSetup.FormatHost(options.Listen)}:{port}";
            Console.WriteLine($"Clay server ready on {url} (dashboard: {url}/ui; {where})");
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
            cluster?.DisposeAsync().AsTask().GetAwaiter().GetResult();
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
}
