using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Clay.Server.Health;

/// <summary>Ready only once start-up recovery is over: until then, the workers with work to continue are still being found.</summary>
internal sealed class RecoveryHealthCheck(RecoveryProgress progress) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(progress.IsRecovering
            ? HealthCheckResult.Unhealthy($"recovering: finding the workers with work to continue since {progress.Since:HH:mm:ss}")
            : HealthCheckResult.Healthy(progress.Workers == 0
                ? "start-up recovery is over: no worker had work to continue"
                : $"start-up recovery is over: {progress.Workers:N0} worker{(progress.Workers == 1 ? "" : "s")} with work to continue handed to the wake-up clock"));
}
