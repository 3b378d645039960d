using Clay.Runtime.Diagnostics;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;

namespace Clay.Server.Hosting;

/// <summary>
/// How the server reports what it does: its console log (text or JSON, with the scopes that name a
/// worker and an invocation) and, when an OTLP endpoint is configured, its traces — the REST
/// request, the grain call, the invocation and its effects and commits — exported with OTLP.
/// </summary>
internal static class ServerTelemetry
{
    /// <summary>The activity sources traced: ASP.NET Core's requests come from its instrumentation.</summary>
    public static readonly string[] Sources = [ClayTelemetry.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>Configures the console log of <paramref name="logging"/> as <paramref name="options"/> ask.</summary>
    public static void ConfigureLogging(ILoggingBuilder logging, ServerOptions options)
    {
        logging.ClearProviders();
        // A console nobody reads (a full pipe, a terminal paused with Ctrl-S) must not hold the server: past
        // the console's queue, lines are dropped, not waited for. Worker lines stay in their oplogs and
        // streams either way. Set before the console is added, so Logging:Console:QueueFullMode may say otherwise.
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.QueueFullMode = ConsoleLoggerQueueFullMode.DropWrite);
        if (options.LogFormat == "json")
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }
        // Worker lines passed on from component hosts carry their invocation's scope without an async-local one each.
        ConsoleWithLineScopes.Replace(logging);
        // Log lines written inside a traced request carry its trace and span ids.
        logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
    }

    /// <summary>A logger factory for what the server logs before its host exists (opening the store).</summary>
    public static ILoggerFactory BootstrapLogging(ServerOptions options) => LoggerFactory.Create(l => ConfigureLogging(l, options));

    /// <summary>
    /// True when spans are exported: <see cref="ServerOptions.OtlpEndpoint"/> is set, or one of the
    /// standard variables <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>
    /// is (and <c>OTEL_SDK_DISABLED</c> is not <c>true</c>).
    /// </summary>
    public static bool TracingEnabled(ServerOptions options)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("OTEL_SDK_DISABLED"), "true", StringComparison.OrdinalIgnoreCase)) return false;
        return options.OtlpEndpoint is not null
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
    }

    /// <summary>Configures the tracer: sources, sampling, the REST requests, OTLP export.</summary>
    public static void ConfigureTracing(TracerProviderBuilder tracing, ServerOptions options)
    {
        tracing
            .AddSource(Sources)
            .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampleRatio)))
            .AddAspNetCoreInstrumentation(o =>
            {
                // The API only: not the dashboard's files, health probes, metric scrapes or open log streams.
                o.Filter = context => context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal)
                    && !context.Request.Path.Value!.EndsWith("/logs", StringComparison.Ordinal);
            })
            .AddOtlpExporter(o =>
            {
                if (options.OtlpEndpoint is not { } endpoint) return;
                // Given in code, the endpoint is used as it is: over HTTP it needs the traces path.
                o.Endpoint = o.Protocol == OtlpExportProtocol.HttpProtobuf && endpoint.AbsolutePath == "/" ? new Uri(endpoint, "v1/traces") : endpoint;
            });
    }
}
