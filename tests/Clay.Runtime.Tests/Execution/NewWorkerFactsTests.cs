using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

/// <summary>A caller that has just found a worker new tells its door so, and the door does not ask again.</summary>
public sealed class NewWorkerFactsTests
{
    [Fact]
    public async Task A_worker_found_new_and_admitted_by_its_caller_is_created_without_asking_the_store_or_the_quota_again()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter));
        var store = new CountingOplogStore(await fixture.OpenStoreAsync());
        var admitted = 0;
        await using var executor = NewExecutor(fixture, store, () => admitted++);
        var latest = await fixture.Catalog.GetLatestAsync(ExecutorFixture.ComponentName(typeof(Counter)));

        var told = await executor.InvokeAsync(ExecutorFixture.Worker(typeof(Counter), "told"), InvocationRequest.Of("increment", []) with { NewWorkerOn = latest });
        Assert.Equal(new Value.U64(1), told.Result);
        Assert.Equal((0L, 0), (store.LastIndexReads, admitted));

        // Not told, the door asks both.
        await executor.InvokeAsync(ExecutorFixture.Worker(typeof(Counter), "untold"), "increment", []);
        Assert.True(store.LastIndexReads > 0);
        Assert.Equal(1, admitted);

        // A request that does not fit creates nothing, told or not.
        var unfit = ExecutorFixture.Worker(typeof(Counter), "unfit");
        var refused = await Assert.ThrowsAsync<FunctionNotFoundException>(() =>
            executor.InvokeAsync(unfit, InvocationRequest.Of("no-such-function", []) with { NewWorkerOn = latest }));
        Assert.Contains("no-such-function", refused.Message);
        Assert.Equal(0, await store.GetLastIndexAsync(unfit));
    }

    [Fact]
    public async Task A_worker_wrongly_told_new_keeps_its_history_the_store_refuses_to_create_it_again()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter));
        var store = await fixture.OpenStoreAsync();
        await using var executor = NewExecutor(fixture, store, () => { });
        var worker = ExecutorFixture.Worker(typeof(Counter), "existing");
        await executor.InvokeAsync(worker, "increment", []);
        Assert.True(await executor.EvictAsync(worker));
        var before = await store.GetLastIndexAsync(worker);
        var latest = await fixture.Catalog.GetLatestAsync(ExecutorFixture.ComponentName(typeof(Counter)));

        await Assert.ThrowsAnyAsync<Exception>(() => executor.InvokeAsync(worker, InvocationRequest.Of("increment", []) with { NewWorkerOn = latest }));

        Assert.Equal(before, await store.GetLastIndexAsync(worker));
        Assert.Equal(new Value.U64(2), (await executor.InvokeAsync(worker, "increment", [])).Result);
    }

    [Fact]
    public async Task An_existing_worker_opened_for_an_invocation_is_asked_where_its_oplog_ends_once()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter));
        var store = new CountingOplogStore(await fixture.OpenStoreAsync());
        await using var executor = NewExecutor(fixture, store, () => { });
        var worker = ExecutorFixture.Worker(typeof(Counter), "cold");
        await executor.InvokeAsync(worker, "increment", []);
        Assert.True(await executor.EvictAsync(worker));
        var before = store.LastIndexReads;

        Assert.Equal(new Value.U64(2), (await executor.InvokeAsync(worker, "increment", [])).Result);

        Assert.Equal(1, store.LastIndexReads - before);
    }

    private static Executor NewExecutor(ExecutorFixture fixture, Runtime.Storage.IOplogStore store, Action admit) =>
        new(store, fixture.Catalog, new WorkerExecutorOptions
        {
            Time = fixture.Time,
            AdmitNewWorker = (_, _) =>
            {
                admit();
                return ValueTask.CompletedTask;
            },
        });
}
