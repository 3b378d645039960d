using Clay.Runtime.Execution;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;
using Cart;
using static Clay.Runtime.Tests.Execution.CartValues;

namespace Clay.Runtime.Tests.Execution;

public sealed class DurabilityTests
{
    private static readonly WorkerId Cart = ExecutorFixture.Worker(typeof(ShoppingCart), "test");

    [Fact]
    public async Task Cart_state_survives_disposing_the_executor_and_reopening_the_database()
    {
        await using var fixture = new ExecutorFixture(typeof(ShoppingCart));
        var (store, executor) = await fixture.StartAsync();
        await executor.InvokeAsync(Cart, "initialize-cart", [Str("user1")]);
        await executor.InvokeAsync(Cart, "add-item", [Item("p1")]);
        await executor.InvokeAsync(Cart, "add-item", [Item("p2", quantity: 5)]);
        await executor.InvokeAsync(Cart, "remove-item", [Str("p1")]);
        await executor.InvokeAsync(Cart, "add-item", [Item("p3")]);
        await executor.InvokeAsync(Cart, "update-item-quantity", [Str("p3"), new Value.U32(7)]);
        var before = (await executor.InvokeAsync(Cart, "get-cart-contents", [])).Result;
        await fixture.StopAsync(store, executor);

        var (_, reopened) = await fixture.StartAsync();
        var after = (await reopened.InvokeAsync(Cart, "get-cart-contents", [])).Result;

        Assert.Equal(["p2", "p3"], ProductIds(after));
        Assert.Equal(before, after);
        var p3 = (Value.Record)((Value.List)after!).Items[1];
        Assert.Equal(new Value.U32(7), p3.Fields[3].Value);
    }

    [Fact]
    public async Task A_worker_that_ran_ten_thousand_invocations_recovers_its_state()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter), typeof(ShoppingCart));
        var counter = ExecutorFixture.Worker(typeof(Counter), "busy");
        var (store, executor) = await fixture.StartAsync();
        // Issued 1,000 at a time without awaiting each (the default pending limit is 1,024): they run
        // in arrival order, one at a time.
        var results = new List<InvocationResult>();
        for (var batch = 0; batch < 10; batch++)
        {
            results.AddRange(await Task.WhenAll(Enumerable.Range(0, 1_000).Select(_ => executor.InvokeAsync(counter, "increment", []))));
        }
        Assert.Equal(Enumerable.Range(1, 10_000).Select(i => (Value)new Value.U64((ulong)i)), results.Select(r => r.Result!));
        await fixture.StopAsync(store, executor);

        var (_, reopened) = await fixture.StartAsync();
        Assert.Equal(new Value.U64(10_000), (await reopened.InvokeAsync(counter, "get", [])).Result);
        Assert.Equal(new Value.U64(10_001), (await reopened.InvokeAsync(counter, "increment", [])).Result);
    }

    [Fact]
    public async Task Random_values_guids_and_time_are_served_from_the_oplog_after_a_restart()
    {
        await using var fixture = new ExecutorFixture(typeof(Effects));
        var worker = ExecutorFixture.Worker(typeof(Effects), "draws");
        var (store, executor) = await fixture.StartAsync();
        var drawn = new List<Value?>();
        for (var i = 0; i < 5; i++) drawn.Add((await executor.InvokeAsync(worker, "draw", [])).Result);
        var seen = (await executor.InvokeAsync(worker, "seen", [])).Result;
        await fixture.StopAsync(store, executor);

        var (_, reopened) = await fixture.StartAsync();
        Assert.Equal(seen, (await reopened.InvokeAsync(worker, "seen", [])).Result);
        Assert.Equal(5, drawn.Distinct().Count());
    }

    [Fact]
    public async Task Log_lines_are_written_once_and_not_again_on_replay()
    {
        await using var fixture = new ExecutorFixture(typeof(ShoppingCart));
        var (store, executor) = await fixture.StartAsync();
        await executor.InvokeAsync(Cart, "initialize-cart", [Str("user1")]);
        await executor.InvokeAsync(Cart, "add-item", [Item("p1")]);
        await fixture.StopAsync(store, executor);
        Assert.Equal(2, fixture.Logs.Count);

        var (_, reopened) = await fixture.StartAsync();
        await reopened.InvokeAsync(Cart, "add-item", [Item("p2")]);

        Assert.Equal(
            ["Initializing cart for user user1", "Adding item p1 to the cart of user user1", "Adding item p2 to the cart of user user1"],
            fixture.Logs.Select(l => l.Message));
    }

    [Fact]
    public async Task A_failed_invocation_is_reported_and_replay_rebuilds_the_same_state()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter));
        var worker = ExecutorFixture.Worker(typeof(Counter), "failing");
        var (store, executor) = await fixture.StartAsync();
        await executor.InvokeAsync(worker, "increment-then-fail", [Value.False]);
        var failure = await Assert.ThrowsAsync<InvocationFailedException>(() => executor.InvokeAsync(worker, "increment-then-fail", [Value.True]));
        Assert.Equal("invocation-failed", failure.Code);
        Assert.Contains("System.InvalidOperationException: failing at 2", failure.Message);
        Assert.Equal(WorkerStatus.Idle, (await executor.GetInfoAsync(worker)).Status);
        await fixture.StopAsync(store, executor);

        var (_, reopened) = await fixture.StartAsync();
        Assert.Equal(new Value.U64(2), (await reopened.InvokeAsync(worker, "get", [])).Result);
        Assert.Equal(WorkerStatus.Idle, (await reopened.GetInfoAsync(worker)).Status);
    }

    [Fact]
    public async Task An_evicted_worker_is_restored_by_its_next_invocation()
    {
        await using var fixture = new ExecutorFixture(typeof(ShoppingCart));
        var (_, executor) = await fixture.StartAsync();
        await executor.InvokeAsync(Cart, "add-item", [Item("p1")]);

        Assert.True(await executor.EvictAsync(Cart));
        Assert.Null(executor.TryGetResident(Cart));

        Assert.Equal(["p1"], ProductIds((await executor.InvokeAsync(Cart, "get-cart-contents", [])).Result));
    }

    [Fact]
    public async Task Unknown_worker_and_unknown_function_are_clear_errors()
    {
        await using var fixture = new ExecutorFixture(typeof(ShoppingCart));
        var (_, executor) = await fixture.StartAsync();

        var missing = await Assert.ThrowsAsync<WorkerNotFoundException>(() => executor.GetInfoAsync(ExecutorFixture.Worker(typeof(ShoppingCart), "nobody")));
        Assert.Equal("worker-not-found", missing.Code);

        var unknown = await Assert.ThrowsAsync<FunctionNotFoundException>(() => executor.InvokeAsync(Cart, "add-items", []));
        Assert.Equal("function-not-found", unknown.Code);
        Assert.Contains("add-item", unknown.Message);
    }
}

public sealed class CreationTests
{
    [Fact]
    public async Task The_constructor_receives_identity_arguments_and_environment_also_after_a_restart()
    {
        await using var fixture = new ExecutorFixture(typeof(Greeter));
        var worker = ExecutorFixture.Worker(typeof(Greeter), "w1");
        var (store, executor) = await fixture.StartAsync();
        await executor.CreateAsync(worker, new WorkerCreation(["captain"], [KeyValuePair.Create("LANGUAGE", "fr")]));
        Assert.Equal(new Value.String("Bonjour captain from test:greeter/w1"), (await executor.InvokeAsync(worker, "greet", [])).Result);
        await Assert.ThrowsAsync<WorkerAlreadyExistsException>(() => executor.CreateAsync(worker, WorkerCreation.Default));
        await fixture.StopAsync(store, executor);

        var (_, reopened) = await fixture.StartAsync();
        var info = await reopened.GetInfoAsync(worker);

        Assert.Equal(new Value.String("Bonjour captain from test:greeter/w1"), (await reopened.InvokeAsync(worker, "greet", [])).Result);
        Assert.Equal(["captain"], info.Arguments);
        Assert.Equal([KeyValuePair.Create("LANGUAGE", "fr")], info.Environment);
    }
}
