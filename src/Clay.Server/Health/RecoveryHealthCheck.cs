using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Clay.Server.Health;

/// <summary>Ready only once start-up recovery is over: until then, workers with work to continue are still coming back.</summary>
internal sealed class RecoveryHealthCheck(RecoveryProgress progress) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!progress.IsRecovering) return Task.FromResult(HealthCheckResult.Healthy("no recovery in progress"));
        var (done, total) = progress.Counts;
        return Task.FromResult(HealthCheckResult.Unhealthy($"recovering workers after a start: {done:N0} of {total:N0} back"));
    }
}
