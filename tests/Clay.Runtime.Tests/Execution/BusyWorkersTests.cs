using Clay.Runtime.Execution;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

[Collection(StaticComponentState.Name)]
public sealed class BusyWorkersTests
{
    [Fact]
    public async Task Only_the_workers_with_invocations_queued_or_under_way_are_in_the_set_and_each_leaves_it_when_its_last_one_ends()
    {
        var busy = new BusyWorkers();
        await using var fixture = new ExecutorFixture(typeof(Tally)) { Busy = busy };
        var (_, executor) = await fixture.StartAsync();
        var held = ExecutorFixture.Worker(typeof(Tally), "held");
        Tally.Gates.Clear();
        while (Tally.Held.Reader.TryRead(out _)) { }
        for (var i = 0; i < 20; i++) await executor.InvokeAsync(ExecutorFixture.Worker(typeof(Tally), $"done-{i}"), "add", [new Value.U64(1)]);
        await executor.InvokeAsync(held, "add", [new Value.U64(1)]);
        Assert.Equal(0, busy.Count);

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Tally.Gates.Enqueue(gate);
        var holding = executor.InvokeAsync(held, "hold", []);
        await Tally.Held.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        var behind = executor.InvokeAsync(held, "add", [new Value.U64(2)]);
        // Twenty-one workers in memory; one runs an invocation, with another queued behind it.
        var only = Assert.Single(busy.Executors);
        Assert.Equal(held, only.Id);
        Assert.Equal(WorkerStatus.Running, only.Status);

        gate.SetResult();
        await holding.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(new Value.U64(3), (await behind.WaitAsync(TimeSpan.FromSeconds(30))).Result);
        Assert.Equal(0, busy.Count);
    }
}
