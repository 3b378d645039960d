using Clay.Runtime;
using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;
using Clay.Sdk;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Clay.Server.Health;

/// <summary>
/// The store takes writes: a one-entry oplog of a probe worker (component <c>_clay</c>, a name no
/// component can be deployed under, as component names start with a letter) is appended — durably, through the same
/// group commit as every worker's — and deleted again. A store that cannot commit within
/// <see cref="Timeout"/> counts as unwritable.
/// </summary>
internal sealed class StoreHealthCheck(IOplogStore store, TimeProvider time) : IHealthCheck
{
    /// <summary>The probe worker.</summary>
    public static readonly WorkerId Probe = new("_clay", "health-probe");

    /// <summary>How long a probe may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _one = new(1, 1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            // One probe at a time: two would race for the probe's first index.
            await _one.WaitAsync(timeout.Token);
            try
            {
                await ProbeAsync(timeout.Token);
            }
            finally
            {
                _one.Release();
            }
            return HealthCheckResult.Healthy("the store committed a write");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"the store did not commit a write within {Timeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"the store cannot be written: {ex.Message}", ex);
        }
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var entry = OplogCodec.Encode(new OplogEntry.Log(time.GetUtcNow(), WorkerLogLevel.Debug, "health", "store probe"));
        // A probe left behind by a crash between its append and its delete is removed first.
        if (await store.GetLastIndexAsync(Probe, cancellationToken) > 0) await store.DeleteAsync(Probe, cancellationToken);
        await store.AppendAsync(Probe, 1, [entry], cancellationToken: cancellationToken);
        await store.DeleteAsync(Probe, cancellationToken);
    }
}
