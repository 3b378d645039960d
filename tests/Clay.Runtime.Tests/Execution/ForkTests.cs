using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

[Collection(StaticComponentState.Name)]
public sealed class ForkTests
{
    private static readonly WorkerId Source = ExecutorFixture.Worker(typeof(Counter), "source");
    private static readonly WorkerId Fork = ExecutorFixture.Worker(typeof(Counter), "fork");

    [Fact]
    public async Task A_fork_has_the_source_history_up_to_the_index_then_its_own_and_the_source_is_untouched_across_a_crash()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter));
        var (store, executor) = await fixture.StartAsync();
        for (var i = 1; i <= 3; i++) await executor.InvokeAsync(Source, "increment", [], $"inc-{i}");
        var ends = await RevertTests.EndsAsync(executor, Source);
        var sourceLength = await store.GetLastIndexAsync(Source);

        var forked = await executor.ForkAsync(Source, Fork, ends[1]);

        Assert.Equal(ends[1], forked.OplogLength);
        Assert.Equal(new Value.U64(3), (await executor.InvokeAsync(Fork, "increment", [], "fork-own")).Result);
        // Keys of the copied invocations answer from the copy, without running again.
        Assert.Equal(new Value.U64(2), (await executor.InvokeAsync(Fork, "increment", [], "inc-2")).Result);
        Assert.Equal(sourceLength, await store.GetLastIndexAsync(Source));

        await fixture.CrashAsync(store, executor);
        (store, executor) = await fixture.StartAsync();
        Assert.Equal(new Value.U64(3), (await executor.InvokeAsync(Fork, "get", [])).Result);
        Assert.Equal(new Value.U64(4), (await executor.InvokeAsync(Source, "increment", [])).Result);
        Assert.Equal(new Value.U64(4), (await executor.InvokeAsync(Fork, "increment", [])).Result);
        Assert.Contains(Fork, await store.ListWorkersAsync(Fork.Component).ToListAsync());
    }

    [Fact]
    public async Task A_fork_that_cannot_be_made_is_refused_with_its_code_and_creates_nothing()
    {
        await using var fixture = new ExecutorFixture(typeof(Counter), typeof(Tally));
        var (store, executor) = await fixture.StartAsync();
        await executor.InvokeAsync(Source, "increment", []);
        await executor.InvokeAsync(Fork, "increment", []);
        var last = await store.GetLastIndexAsync(Source);
        var fresh = ExecutorFixture.Worker(typeof(Counter), "never-made");

        async Task<ClayException> Refused(WorkerId source, WorkerId target, long index) =>
            await Assert.ThrowsAnyAsync<ClayException>(() => executor.ForkAsync(source, target, index));

        Assert.Equal(ErrorCodes.WorkerAlreadyExists, (await Refused(Source, Fork, 1)).Code);
        Assert.Equal(ErrorCodes.WorkerAlreadyExists, (await Refused(Source, Source, 1)).Code);
        var beyond = await Refused(Source, fresh, last + 1);
        Assert.Equal(ErrorCodes.OplogIndexOutOfRange, beyond.Code);
        Assert.Contains($"entries 1 to {last}", beyond.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.OplogIndexOutOfRange, (await Refused(Source, fresh, 0)).Code);
        var unknown = await Refused(ExecutorFixture.Worker(typeof(Counter), "nobody"), fresh, 1);
        Assert.Equal(ErrorCodes.WorkerNotFound, unknown.Code);
        Assert.Contains("nobody", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.ForkAcrossComponents, (await Refused(Source, ExecutorFixture.Worker(typeof(Tally), "elsewhere"), 1)).Code);

        Assert.Equal(0, await store.GetLastIndexAsync(fresh));
        Assert.DoesNotContain(fresh, await store.ListWorkersAsync(fresh.Component).ToListAsync());
        Assert.Equal(new Value.U64(1), (await executor.InvokeAsync(Fork, "get", [])).Result);
    }

    [Fact]
    public async Task A_fork_of_a_worker_with_queued_invocations_runs_them_itself_and_marks_them_for_a_restart()
    {
        await using var fixture = new ExecutorFixture(typeof(Tally));
        var source = ExecutorFixture.Worker(typeof(Tally), "busy-source");
        var fork = ExecutorFixture.Worker(typeof(Tally), "busy-fork");
        Tally.Gates.Clear();
        while (Tally.Held.Reader.TryRead(out _)) { }
        var (store, executor) = await fixture.StartAsync();
        var gate = new TaskCompletionSource();
        Tally.Gates.Enqueue(gate);
        _ = executor.InvokeAsync(source, "hold", [], "hold");
        Assert.Same(gate, await Tally.Held.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        await executor.EnqueueAsync(source, "add", [new Value.U64(4)], "four");
        var last = await store.GetLastIndexAsync(source);

        // The fork copies an invocation still running and one queued; it goes on with both on its own.
        await executor.ForkAsync(source, fork, last);
        await WaitingProcess.UntilAsync(async () => await store.GetMarkAsync(fork) is null, "the fork to run what it copied");
        Assert.Equal(new Value.List(new Value[] { new Value.U64(4) }), (await executor.InvokeAsync(fork, "history", [])).Result);
        gate.SetResult();
        Assert.Equal(new Value.List(new Value[] { new Value.U64(4) }), (await executor.InvokeAsync(source, "history", [])).Result);
    }
}
