using Clay.Runtime.Execution;
using Clay.Runtime.Residency;
using Clay.Runtime.Tests.Execution;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Residency;

/// <summary>The resident set a residency policy reads: the signal it waits on, its walk of evictions, its tally.</summary>
[Collection(StaticComponentState.Name)]
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

    [Fact]
    public async Task Evictions_go_least_recently_used_first_until_what_is_held_is_within_the_target()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter));
        var (_, executor) = await fixture.StartAsync();
        var workers = Enumerable.Range(0, 5).Select(i => ExecutorFixture.Worker(typeof(Counter), $"w{i}")).ToArray();
        foreach (var worker in workers) await executor.InvokeAsync(worker, "increment", []);
        var residency = executor.Residency;
        var costs = workers.ToDictionary(w => w, w => ResidentWorkers.Cost(residency.TryGet(w)!));
        var used = costs.Values.Sum();
        var asked = new List<WorkerId>();
        async Task<bool> Evict(WorkerExecutor resident, long cost)
        {
            Assert.Equal(costs[resident.Id], cost);
            asked.Add(resident.Id);
            // The second worker will not go: the walk goes on to the next.
            return resident.Id != workers[1] && await executor.EvictAsync(resident.Id);
        }

        Assert.Equal(used, await residency.EvictLeastRecentlyUsedAsync(used, used, Evict));
        Assert.Empty(asked);

        var target = used - costs[workers[0]] - costs[workers[2]] - costs[workers[3]];
        var held = await residency.EvictLeastRecentlyUsedAsync(used, target, Evict);

        Assert.Equal(target, held);
        Assert.Equal(workers[..4], asked);
        Assert.Equal([workers[1], workers[4]], residency.Executors.Select(e => e.Id).OrderBy(id => id.Worker, StringComparer.Ordinal).ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_tally_counts_the_resident_workers_their_cost_their_waiting_invocations_and_those_that_run_one(bool busyKnown)
    {
        // Known, the busy workers are the only ones the tally looks at for invocations.
        await using var fixture = new ExecutorFixture(typeof(Tally)) { Busy = busyKnown ? new BusyWorkers() : null };
        var (_, executor) = await fixture.StartAsync();
        Tally.Gates.Clear();
        while (Tally.Held.Reader.TryRead(out _)) { }
        var workers = Enumerable.Range(0, 3).Select(i => ExecutorFixture.Worker(typeof(Tally), $"t{i}")).ToArray();
        foreach (var worker in workers) await executor.InvokeAsync(worker, "add", [new Values.Value.U64(1)]);
        var residency = executor.Residency;
        var costs = workers.Sum(w => ResidentWorkers.Cost(residency.TryGet(w)!));

        Assert.Equal(new ResidentTally(3, costs, 0, 0), residency.Tally());

        var gate = new TaskCompletionSource();
        Tally.Gates.Enqueue(gate);
        await executor.EnqueueAsync(workers[0], "hold", [], "held");
        Assert.Same(gate, await Tally.Held.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        await executor.EnqueueAsync(workers[0], "add", [new Values.Value.U64(2)], "behind");
        var held = residency.Tally();
        var busy = fixture.Busy?.Executors.Select(e => e.Id).ToArray() ?? [];
        gate.SetResult();

        Assert.Equal((3, 1L, 1), (held.Count, held.Pending, held.Running));
        if (busyKnown) Assert.Equal([workers[0]], busy);
    }

    [Fact]
    public async Task What_the_resident_workers_are_charged_is_kept_as_they_come_grow_and_go()
    {
        await using var fixture = new ExecutorFixture(typeof(Tally));
        var (_, executor) = await fixture.StartAsync();
        var residency = executor.Residency;
        var workers = Enumerable.Range(0, 5).Select(i => ExecutorFixture.Worker(typeof(Tally), $"charged{i}")).ToArray();
        var random = new Random(7);
        long Measured() => residency.Executors.Sum(ResidentWorkers.Cost);
        var grew = false;

        for (var step = 0; step < 120; step++)
        {
            var worker = workers[random.Next(workers.Length)];
            if (random.Next(4) == 0)
            {
                await executor.EvictAsync(worker);
            }
            else
            {
                var before = residency.TryGet(worker)?.MemoryNow;
                await executor.InvokeAsync(worker, "add", [new Values.Value.U64((ulong)step)]);
                grew |= before is { } b && residency.TryGet(worker)!.MemoryNow > b;
            }
            Assert.Equal(Measured(), residency.Used);
        }

        Assert.True(grew, "no worker grew while resident: the test did not see a worker measured again");
        foreach (var worker in workers) await executor.EvictAsync(worker);
        Assert.Equal(0, residency.Used);
    }
}
