using Clay.Runtime.Hosting;
using Clay.Runtime.Storage;

namespace Clay.Server.Workers;

/// <summary>
/// Continues every worker that had work to do when the server stopped — an invocation running or
/// queued, a retry, a sleep — without waiting for a client: once the server is serving, the workers
/// the store marks are handed to the wake-up clock (pending work at once, sleepers at their time).
/// Only the marks are read, so a store of a million idle workers starts as fast as an empty one.
/// </summary>
public sealed class StartupRecovery(WakeUpTimers timers, IOplogStore store, IHostApplicationLifetime lifetime, Health.RecoveryProgress progress,
    ILogger<StartupRecovery> logger)
    : IHostedService
{
    private Task _loading = Task.CompletedTask;

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Not ready (/health/ready) until the marked workers are found and handed on.
        progress.Begin(DateTimeOffset.UtcNow);
        // After the silo and the endpoints are up: waking goes through the workers' grains.
        lifetime.ApplicationStarted.Register(() => _loading = LoadAsync(lifetime.ApplicationStopping));
        // No wake-ups while the silo stops: what is still due is found again from the marks at the next start.
        lifetime.ApplicationStopping.Register(() => _ = timers.DisposeAsync().AsTask());
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await timers.DisposeAsync();
        await _loading.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task LoadAsync(CancellationToken stopping)
    {
        var count = 0;
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            count = await timers.LoadAsync(store, stopping);
            if (count > 0)
            {
                logger.LogInformation("Recovering {Count} workers with work to continue (marks read in {Elapsed:F0} ms)", count,
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "The workers with work to continue could not be listed; they continue when next called");
        }
        finally
        {
            progress.Finish(count);
        }
    }
}
