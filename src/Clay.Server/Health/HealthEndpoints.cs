using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Clay.Server.Health;

/// <summary>
/// The server's health checks: <c>/health/live</c> (the process and its silo are up: restart it if
/// not) and <c>/health/ready</c> (it can take invocations: the silo is active, the store commits a
/// write, start-up recovery is over), answered 200 or 503 with each check's verdict as JSON.
/// <c>/health</c> stays as it was: 200 with the version whenever the server answers.
/// </summary>
public static class HealthEndpoints
{
    private const string Live = "live";
    private const string Ready = "ready";

    /// <summary>Registers the checks.</summary>
    public static IServiceCollection AddClayHealthChecks(this IServiceCollection services)
    {
        services.AddSingleton<RecoveryProgress>();
        services.AddHealthChecks()
            .Add(new HealthCheckRegistration("silo", sp => ActivatorUtilities.CreateInstance<SiloHealthCheck>(sp), HealthStatus.Unhealthy, [Live, Ready]))
            .Add(new HealthCheckRegistration("store", sp => ActivatorUtilities.CreateInstance<StoreHealthCheck>(sp, TimeProvider.System),
                HealthStatus.Unhealthy, [Ready]))
            .Add(new HealthCheckRegistration("recovery", sp => ActivatorUtilities.CreateInstance<RecoveryHealthCheck>(sp), HealthStatus.Unhealthy, [Ready]));
        return services;
    }

    /// <summary>Maps <c>/health/live</c> and <c>/health/ready</c>.</summary>
    public static void MapClayHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", Options(Live));
        app.MapHealthChecks("/health/ready", Options(Ready));
    }

    private static HealthCheckOptions Options(string tag) => new()
    {
        Predicate = check => check.Tags.Contains(tag),
        ResponseWriter = WriteAsync,
        AllowCachingResponses = false,
    };

    /// <summary><c>{"status":"healthy","checks":{"store":{"status":"healthy","description":"…","milliseconds":1.2}}}</c>.</summary>
    internal static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var checks = report.Entries.ToDictionary(e => e.Key, e => new HealthCheckDto(
            Name(e.Value.Status), e.Value.Description, Math.Round(e.Value.Duration.TotalMilliseconds, 1)));
        return JsonSerializer.SerializeAsync(context.Response.Body, new HealthReportDto(Name(report.Status), checks),
            HealthJsonContext.Default.HealthReportDto, context.RequestAborted);
    }

    private static string Name(HealthStatus status) => status.ToString().ToLowerInvariant();
}
