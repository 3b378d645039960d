using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Clay.Server.Health;

/// <summary>The Orleans silo that runs the workers is active (not starting, stopping or dead).</summary>
internal sealed class SiloHealthCheck(ISiloStatusOracle silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(silo.CurrentStatus == SiloStatus.Active
            ? HealthCheckResult.Healthy("the silo is active")
            : HealthCheckResult.Unhealthy($"the silo is {silo.CurrentStatus.ToString().ToLowerInvariant()}"));
}
