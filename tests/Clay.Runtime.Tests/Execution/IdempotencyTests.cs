using Clay.Runtime.Execution;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

public sealed class IdempotencyTests
{
    private static readonly WorkerId Worker = ExecutorFixture.Worker(typeof(Counter), "idem");

    [Fact]
    public async Task The_same_key_twice_runs_once_and_returns_the_same_result()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter));
        var (_, executor) = await fixture.StartAsync();

        var first = await executor.InvokeAsync(Worker, "increment", [], "key-1");
        var second = await executor.InvokeAsync(Worker, "increment", [], "key-1");
        var third = await executor.InvokeAsync(Worker, "increment", [], "key-2");

        Assert.Equal(new Value.U64(1), first.Result);
        Assert.Equal(first, second);
        Assert.Equal(new Value.U64(2), third.Result);
    }

    [Fact]
    public async Task Concurrent_calls_with_one_key_run_once()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter));
        var (_, executor) = await fixture.StartAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => executor.InvokeAsync(Worker, "increment", [], "same")));

        Assert.All(results, r => Assert.Equal(new Value.U64(1), r.Result));
        Assert.Equal(new Value.U64(1), (await executor.InvokeAsync(Worker, "get", [])).Result);
    }

    [Fact]
    public async Task A_key_used_before_a_restart_returns_the_recorded_result()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter));
        var (store, executor) = await fixture.StartAsync();
        await executor.InvokeAsync(Worker, "increment", [], "before");
        await executor.InvokeAsync(Worker, "increment", [], "after");
        await fixture.StopAsync(store, executor);

        var (_, reopened) = await fixture.StartAsync();
        var repeated = await reopened.InvokeAsync(Worker, "increment", [], "before");

        Assert.Equal(new Value.U64(1), repeated.Result);
        Assert.Equal(new Value.U64(2), (await reopened.InvokeAsync(Worker, "get", [])).Result);
    }

    [Fact]
    public async Task A_failed_invocation_repeated_with_its_key_fails_the_same_way_without_running()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter));
        var (_, executor) = await fixture.StartAsync();

        var first = await Assert.ThrowsAsync<InvocationFailedException>(() => executor.InvokeAsync(Worker, "increment-then-fail", [Value.True], "f"));
        var again = await Assert.ThrowsAsync<InvocationFailedException>(() => executor.InvokeAsync(Worker, "increment-then-fail", [Value.True], "f"));

        Assert.Equal(first.Message, again.Message);
        Assert.Equal(new Value.U64(1), (await executor.InvokeAsync(Worker, "get", [])).Result);
    }
}
