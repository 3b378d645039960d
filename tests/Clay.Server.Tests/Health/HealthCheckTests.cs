using Clay.Runtime;
using Clay.Runtime.Execution;
using Clay.Runtime.Hosting;
using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;
using Clay.Server.Health;
using Clay.Server.Workers;
using Clay.Storage.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Clay.Server.Tests.Health;

/// <summary>The readiness checks against a real SQLite store, one whose writes fail, and a recovery in progress.</summary>
public sealed class HealthCheckTests : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "clay-health", Guid.NewGuid().ToString("N"));
    private SqliteOplogStore? _store;

    private async Task<SqliteOplogStore> OpenAsync()
    {
        Directory.CreateDirectory(_root);
        return _store = await SqliteOplogStore.OpenAsync(new SqliteStoreOptions { DatabasePath = Path.Combine(_root, "oplog.db") });
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private static Task<HealthCheckResult> CheckAsync(IHealthCheck check) => check.CheckHealthAsync(new HealthCheckContext());

    [Fact]
    public async Task A_writable_store_is_healthy_and_keeps_no_probe()
    {
        var store = await OpenAsync();

        var result = await CheckAsync(new StoreHealthCheck(store, TimeProvider.System));
        var again = await CheckAsync(new StoreHealthCheck(store, TimeProvider.System));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(HealthStatus.Healthy, again.Status);
        Assert.Equal(0, await store.GetLastIndexAsync(StoreHealthCheck.Probe));
        Assert.Empty(await store.ListWorkersAsync().ToListAsync());
    }

    [Fact]
    public async Task A_store_that_cannot_write_is_unhealthy_and_says_why()
    {
        var store = new ControlledOplogStore(await OpenAsync()) { Failing = true };

        var result = await CheckAsync(new StoreHealthCheck(store, TimeProvider.System));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("No space left on device", result.Description, StringComparison.Ordinal);

        store.Failing = false;
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(new StoreHealthCheck(store, TimeProvider.System))).Status);
    }

    [Fact]
    public async Task A_probe_left_behind_by_a_crash_does_not_fail_the_next_check()
    {
        var store = await OpenAsync();
        var leftover = OplogCodec.Encode(new OplogEntry.Log(DateTimeOffset.UnixEpoch, Clay.Sdk.WorkerLogLevel.Debug, "health", "store probe"));
        await store.AppendAsync(StoreHealthCheck.Probe, 1, [leftover]);

        var result = await CheckAsync(new StoreHealthCheck(store, TimeProvider.System));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(0, await store.GetLastIndexAsync(StoreHealthCheck.Probe));
    }

    [Fact]
    public async Task The_server_is_not_ready_until_start_up_recovery_has_found_the_workers_with_work()
    {
        var store = new ControlledOplogStore(await OpenAsync()) { ListingGate = new(TaskCreationOptions.RunContinuationsAsynchronously) };
        var cart = new WorkerId("demo:cart", "c1");
        var create = OplogCodec.Encode(new OplogEntry.Log(DateTimeOffset.UnixEpoch, Clay.Sdk.WorkerLogLevel.Info, "", "first entry"));
        await store.AppendAsync(cart, 1, [create], new WorkerMark(WorkerStatus.Running, HasPendingWork: true));
        var woken = new TaskCompletionSource<WorkerId>(TaskCreationOptions.RunContinuationsAsynchronously);
        var timers = new WakeUpTimers((worker, _) => { woken.TrySetResult(worker); return Task.CompletedTask; }, TimeProvider.System,
            NullLogger.Instance);
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        var progress = new RecoveryProgress();
        var check = new RecoveryHealthCheck(progress);
        var recovery = new StartupRecovery(timers, store, lifetime, progress, NullLogger<StartupRecovery>.Instance);

        await recovery.StartAsync(CancellationToken.None);
        var starting = await CheckAsync(check);
        lifetime.NotifyStarted();
        await store.ListingStarted.Task.WaitAsync(TimeSpan.FromMinutes(1));
        var listing = await CheckAsync(check);
        store.ListingGate.SetResult();
        Assert.Equal(cart, await woken.Task.WaitAsync(TimeSpan.FromMinutes(1)));
        await recovery.StopAsync(CancellationToken.None);
        var after = await CheckAsync(check);

        Assert.Equal(HealthStatus.Unhealthy, starting.Status);
        Assert.Equal(HealthStatus.Unhealthy, listing.Status);
        Assert.Equal(HealthStatus.Healthy, after.Status);
        Assert.Contains("1 worker ", after.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_is_not_ready_while_it_recovers_workers()
    {
        var progress = new RecoveryProgress();
        var check = new RecoveryHealthCheck(progress);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(check)).Status);

        progress.Begin(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero));
        var during = await CheckAsync(check);
        progress.Finish(3);
        var after = await CheckAsync(check);

        Assert.Equal(HealthStatus.Unhealthy, during.Status);
        Assert.Contains("since 10:00:00", during.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, after.Status);
        Assert.Contains("3 workers ", after.Description, StringComparison.Ordinal);
    }
}
