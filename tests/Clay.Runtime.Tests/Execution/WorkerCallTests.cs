using Clay.Runtime.Execution;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

[Collection(StaticComponentState.Name)]
public sealed class WorkerCallTests
{
    private static WorkerId Relay(string name) => ExecutorFixture.Worker(typeof(Relay), name);

    private static Value Path(params string[] names) => DurableSleepTests.List(names);

    [Fact]
    public async Task A_chain_of_three_workers_answers_and_each_callee_serves_each_call_once_also_across_replays()
    {
        await using var fixture = new ExecutorFixture(typeof(Relay));
        Clay.TestComponents.Durability.Relay.Served.Clear();
        var (store, executor) = await fixture.StartAsync();

        var answer = await executor.InvokeAsync(Relay("a"), "forward", [Path("b", "c")], "chain");
        Assert.Equal(new Value.String("a>b>c"), answer.Result);
        Assert.Equal(new Value.String("a>b>c"), (await executor.InvokeAsync(Relay("a"), "forward", [Path("b", "c")], "chain")).Result);
        await fixture.StopAsync(store, executor);

        // A restart replays all three from their oplogs: the calls are served from the callers' records.
        var (_, restarted) = await fixture.StartAsync();
        foreach (var name in new[] { "a", "b", "c" }) Assert.True((await restarted.GetAsync(Relay(name), null)).Status is WorkerStatus.Idle);
        Assert.Equal(new Value.String("a>b>c"), (await restarted.InvokeAsync(Relay("a"), "forward", [Path("b", "c")], "chain")).Result);
        Assert.Equal(new Dictionary<string, int> { ["c:"] = 1, ["b:c"] = 1, ["a:b,c"] = 1 }, Clay.TestComponents.Durability.Relay.Served);
        var calls = await restarted.ReadOplogAsync(Relay("a"), query: "\"worker::call\"");
        Assert.Single(calls.Entries);
    }

    [Fact]
    public async Task A_call_that_closes_a_cycle_fails_at_once_with_call_cycle()
    {
        await using var fixture = new ExecutorFixture(typeof(Relay));
        var (_, executor) = await fixture.StartAsync();

        var failure = await Assert.ThrowsAsync<InvocationFailedException>(() => executor.InvokeAsync(Relay("a"), "forward", [Path("b", "a")])).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("call-cycle", failure.Message);
        Assert.Contains("test:relay/a → test:relay/b → test:relay/a", failure.Message);
        // Both stay usable: the refusal recorded nothing at the worker that was asked.
        Assert.Equal(new Value.String("b"), (await executor.InvokeAsync(Relay("b"), "forward", [Path()])).Result);
    }

    [Fact]
    public async Task A_fire_and_forget_note_is_queued_once_at_the_callee_even_when_the_sender_is_replayed()
    {
        await using var fixture = new ExecutorFixture(typeof(Relay));
        var (store, executor) = await fixture.StartAsync();

        await executor.InvokeAsync(Relay("sender"), "notify", [new Value.String("inbox"), new Value.String("hello")], "note");
        await WaitingProcess.UntilAsync(async () =>
            (await executor.InvokeAsync(Relay("inbox"), "received", [])).Result is Value.List { Items.Length: 1 }, "the note to arrive");
        await fixture.StopAsync(store, executor);

        var (_, restarted) = await fixture.StartAsync();
        await restarted.GetAsync(Relay("sender"), null);
        Assert.Equal(Path("sender: hello"), (await restarted.InvokeAsync(Relay("inbox"), "received", [])).Result);
    }
}
