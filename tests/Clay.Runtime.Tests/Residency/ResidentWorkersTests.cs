using Clay.Runtime.Tests.Execution;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Residency;

/// <summary>The signal a residency policy waits on instead of looking again and again.</summary>
public sealed class ResidentWorkersTests
{
    [Fact]
    public async Task The_next_change_comes_when_a_worker_comes_into_memory_is_used_or_leaves_it_and_not_before()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter));
        var (_, executor) = await fixture.StartAsync();
        var worker = ExecutorFixture.Worker(typeof(Counter), "signalled");
        var residency = executor.Residency;

        var arrival = residency.NextChangeAsync();
        Assert.False(arrival.IsCompleted);
        Assert.Same(arrival, residency.NextChangeAsync());
        await executor.InvokeAsync(worker, "increment", []);
        Assert.True(arrival.IsCompletedSuccessfully);

        var use = residency.NextChangeAsync();
        Assert.False(use.IsCompleted);
        await executor.InvokeAsync(worker, "increment", []);
        Assert.True(use.IsCompletedSuccessfully);

        var departure = residency.NextChangeAsync();
        Assert.True(await executor.EvictAsync(worker));
        Assert.True(departure.IsCompletedSuccessfully);
        Assert.Equal(0, executor.ResidentCount);
    }
}
