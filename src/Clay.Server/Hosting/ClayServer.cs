using System.Net;
using System.Net.Sockets;
using Clay.Cluster.Serialization;
using Orleans.Serialization;
using Clay.Cluster.Workers;
using Clay.Runtime.Hosting;
using Clay.Runtime.Residency;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Clay.Server.Api;
using Clay.Server.Components;
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
    /// <summary>
    /// How long before its wake-up time a sleeping worker out of memory is brought back, so that
    /// loading its component and replaying its oplog do not make it late (see <see cref="WakeUpTimers"/>).
    /// </summary>
    public static readonly TimeSpan WakeUpWarmUp = TimeSpan.FromSeconds(2);

    /// <summary>Builds the server for <paramref name="options"/>; storage is opened (and checked) here.</summary>
    public static async Task<WebApplication> BuildAsync(ServerOptions options)
    {
        Directory.CreateDirectory(options.DataDirectory);
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
        builder.Services.AddSingleton(sp => new ComponentRegistry(options.DataDirectory, options.MaxPackageBytes,
            sp.GetRequiredService<ILogger<ComponentRegistry>>()));
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
            InvocationRetry = options.InvocationRetry,
            Limits = options.Limits,
            AdmitNewWorker = quota.Admit,
            WakeUps = sp.GetRequiredService<WakeUpTimers>(),
            Workers = new GrainWorkerCaller(sp.GetRequiredService<IGrainFactory>()),
        });
        builder.Services.AddSingleton(sp => new WakeUpTimers(
            (worker, _) => sp.GetRequiredService<IGrainFactory>().GetGrain<IWorkerGrain>(WorkerGrainKey.Of(worker)).WakeAsync(),
            TimeProvider.System, sp.GetRequiredService<ILogger<WakeUpTimers>>(), warmUp: WakeUpWarmUp));
        builder.Services.AddHostedService<StartupRecovery>();
        builder.Services.AddSingleton<ResidentWorkers>();
        builder.Services.AddSingleton(sp => new WorkerServices(store, sp.GetRequiredService<IComponentCatalog>(),
            sp.GetRequiredService<WorkerExecutorOptions>(), sp.GetRequiredService<ResidentWorkers>())
        {
            Recovered = (_, duration) => sp.GetRequiredService<ClayMetrics>().Recovered(duration),
            Deleted = quota.Release,
        });
        builder.Services.AddSingleton(sp => new ClayMetrics(sp.GetRequiredService<ResidentWorkers>(),
            () => options.EffectiveMemoryBudget, () => sp.GetRequiredService<ResidencyManager>().Used,
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

        var token = options.RequiresToken ? AccessToken.LoadOrCreate(options.DataDirectory) : null;
        var app = builder.Build();
        app.UseMiddleware<ErrorHandlingMiddleware>();
        app.Use(async (context, next) =>
        {
            // Only package uploads may be large; everything else is bounded by the argument limit.
            var upload = HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals("/v1/components", StringComparison.Ordinal);
            var limit = upload ? options.MaxPackageBytes + (1 << 20) : options.MaxRequestBytes;
            if (context.Request.ContentLength > limit)
            {
                await ApiErrors.Result(upload ? ServerErrorCodes.PackageTooLarge : ServerErrorCodes.RequestTooLarge,
                    $"the request body has {context.Request.ContentLength:N0} bytes; the server accepts {limit:N0} here"
                    + (upload ? " (--max-package-size)" : " (it is bounded by --max-argument-size)")).ExecuteAsync(context);
                return;
            }
            if (!upload && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } body)
            {
                body.MaxRequestBodySize = limit;
            }
            await next(context);
        });
        if (token is not null) app.UseMiddleware<AccessTokenMiddleware>(token);
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

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (token is { Created: true })
            {
                Console.WriteLine($"Access token (shown once; kept in {token.FilePath}): {token.Value}");
                Console.WriteLine("Give it to clients with: clay profile set token TOKEN (or CLAY_TOKEN=TOKEN)");
            }
            else if (token is not null)
            {
                Console.WriteLine($"Requests need the access token in {token.FilePath}");
            }
            Console.WriteLine($"Clay server ready on http://{FormatHost(options.Listen)}:{options.Port} (data: {options.DataDirectory})");
        });
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            // The silo has stopped and its workers committed: drain the writer, checkpoint the WAL, release the lock.
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Console.WriteLine("Clay server stopped");
        });
        return app;
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
