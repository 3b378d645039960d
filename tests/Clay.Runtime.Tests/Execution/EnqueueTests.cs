using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

[Collection(StaticComponentState.Name)]
public sealed class EnqueueTests
{
    [Fact]
    public async Task An_enqueued_invocation_does_not_run_before_it_is_durably_queued()
    {
        await using var fixture = new ExecutorFixture(typeof(Tally));
        var worker = ExecutorFixture.Worker(typeof(Tally), "fresh");
        var store = new CountingOplogStore(await fixture.OpenStoreAsync());
        var appending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.BeforeAppend = _ =>
        {
            appending.TrySetResult();
            return release.Task;
        };
        var executor = fixture.NewExecutor(store);
        Tally.Executions = 0;

        // The first append of the new worker (its creation and the queued call) is held by the store.
        var enqueued = executor.EnqueueAsync(worker, "add", [new Value.U64(5)], "five");
        await appending.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Given time to start (it would, within microseconds, if it did not wait for the store).
        var deadline = DateTime.UtcNow.AddMilliseconds(500);
        while (Tally.Executions == 0 && DateTime.UtcNow < deadline) await Task.Delay(5);
        var ranEarly = Tally.Executions;

        // The store refuses it: the caller is told, and the code never runs.
        release.SetException(new IOException("disk gone"));
        await Assert.ThrowsAnyAsync<IOException>(() => enqueued.WaitAsync(TimeSpan.FromSeconds(30)));
        await executor.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(ranEarly == 0, "the invocation ran while its queue entry was not yet stored");
        Assert.Equal(0, Tally.Executions);
    }
}
