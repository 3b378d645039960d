using Clay.Cluster.Hosts;
using Clay.Runtime;
using Clay.Runtime.Storage;
using Clay.Server.Components;
using Clay.Server.Isolation;
using Clay.Server.Tests.Health;
using Clay.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Clay.Server.Tests.Isolation;

/// <summary>
/// The server's side of an invocation's end that a component host hands over without waiting: written
/// in the channel's order, and nothing told about the worker before it is durable.
/// </summary>
public sealed class HandOverTests : IAsyncLifetime
{
    private const string Component = "test:handover";
    private static readonly WorkerId Worker = new(Component, "one");
    private readonly string _root = Directory.CreateTempSubdirectory("clay-handover-").FullName;
    private SqliteOplogStore _sqlite = null!;
    private ComponentRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        _sqlite = await SqliteOplogStore.OpenAsync(new SqliteStoreOptions { DatabasePath = Path.Combine(_root, "oplog.db") });
        _registry = new ComponentRegistry(_root, new PackageLimits(), NullLogger<ComponentRegistry>.Instance);
    }

    public async Task DisposeAsync()
    {
        _registry.Dispose();
        await _sqlite.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private ServerSideOfHosts Server(IOplogStore store) => new(store, _registry, null, null, null, null);

    private static StoreCall Append(long first, params byte[][] entries) => new(Worker.Worker, StoreOperation.Append, first, 0, entries);

    [Fact]
    public async Task A_handed_over_end_is_durable_for_the_door_only_once_the_store_made_it_durable()
    {
        var store = new ControlledOplogStore(_sqlite) { AppendGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var server = Server(store);

        server.Notice(Component, Append(1, [1], [2]));
        var durable = server.DurableAsync(Worker).AsTask();

        Assert.False(server.IsDurable(Worker));
        Assert.False(durable.IsCompleted);
        var synced = server.HandleAsync(Component, new StoreCall(Worker.Worker, StoreOperation.Sync));
        Assert.False(synced.IsCompleted);

        store.AppendGate.SetResult();
        await durable.WaitAsync(TimeSpan.FromSeconds(30));
        await synced.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, await _sqlite.GetLastIndexAsync(Worker));
        Assert.True(server.IsDurable(Worker));
    }

    [Fact]
    public async Task A_hand_over_and_the_append_sent_behind_it_are_written_in_that_order()
    {
        var server = Server(_sqlite);

        // Both begin on the calling thread, as on the channel's reading thread: the second must not overtake the first.
        server.Notice(Component, Append(1, [1]));
        var appended = server.HandleAsync(Component, Append(2, [2]));
        server.Notice(Component, Append(3, [3]));

        await appended.WaitAsync(TimeSpan.FromSeconds(30));
        await server.DurableAsync(Worker);
        List<byte> written = [];
        await foreach (var entry in _sqlite.ReadAsync(Worker, 1)) written.Add(entry.Payload.Span[0]);
        Assert.Equal([1, 2, 3], written);
    }

    [Fact]
    public async Task A_failed_hand_over_fails_the_door_and_the_hosts_sync_until_the_host_reads_where_the_oplog_ends()
    {
        var store = new ControlledOplogStore(_sqlite) { Failing = true };
        var server = Server(store);

        server.Notice(Component, Append(1, [1]));

        await Assert.ThrowsAsync<IOException>(() => server.DurableAsync(Worker).AsTask());
        await Assert.ThrowsAsync<IOException>(() => server.HandleAsync(Component, new StoreCall(Worker.Worker, StoreOperation.Sync)));
        Assert.False(server.IsDurable(Worker));

        // The host reopens the worker: it reads where its durable oplog ends, and the failure is behind it.
        store.Failing = false;
        Assert.Equal(0L, await server.HandleAsync(Component, new StoreCall(Worker.Worker, StoreOperation.LastIndex)));
        Assert.True(server.IsDurable(Worker));
        server.Notice(Component, Append(1, [1]));
        await server.DurableAsync(Worker);
        Assert.Equal(1, await _sqlite.GetLastIndexAsync(Worker));
    }

    [Fact]
    public async Task A_hand_over_behind_one_that_failed_is_refused_by_the_oplogs_fencing()
    {
        var store = new ControlledOplogStore(_sqlite) { Failing = true };
        var server = Server(store);
        server.Notice(Component, Append(1, [1]));
        await Assert.ThrowsAsync<IOException>(() => server.DurableAsync(Worker).AsTask());

        // The host, not knowing yet, goes on from the index it handed over: nothing it wrote on top of the lost end is kept.
        store.Failing = false;
        server.Notice(Component, Append(2, [2]));

        await Assert.ThrowsAsync<OplogConflictException>(() => server.DurableAsync(Worker).AsTask());
        Assert.Equal(0, await _sqlite.GetLastIndexAsync(Worker));
    }

    [Fact]
    public async Task A_worker_whose_first_entries_were_handed_over_before_its_call_failed_keeps_its_admission()
    {
        // The host crashed right after handing over the new worker's first entries: they are still on
        // their way to the store when the door's call fails, and the worker exists once they land.
        var store = new ControlledOplogStore(_sqlite) { AppendGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var quota = new Workers.WorkerQuota(10);
        var server = new ServerSideOfHosts(store, _registry, quota, null, null, null);
        await server.AdmitAsync(Worker, CancellationToken.None);
        server.Notice(Component, Append(1, [1]));

        var released = server.ReleaseUnlessCreatedAsync(Worker);

        Assert.False(released.IsCompleted);
        store.AppendGate.SetResult();
        await released.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await _sqlite.GetLastIndexAsync(Worker));
        Assert.Equal(1, quota.CountOf(Component));
    }

    [Fact]
    public async Task A_worker_never_created_gives_its_admission_back_once()
    {
        var quota = new Workers.WorkerQuota(10);
        var server = new ServerSideOfHosts(_sqlite, _registry, quota, null, null, null);
        await server.AdmitAsync(Worker, CancellationToken.None);
        Assert.Equal(1, quota.CountOf(Component));

        await server.ReleaseUnlessCreatedAsync(Worker);
        await server.ReleaseUnlessCreatedAsync(Worker);

        Assert.Equal(0, quota.CountOf(Component));
    }
}
