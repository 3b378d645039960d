using Clay.Runtime.Storage;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

/// <summary>
/// Where an idle worker's invocation runs: on the thread of the caller that waits for it when worker
/// code may run there (a thread-pool thread with no scheduler or context of its own), else on the pool.
/// </summary>
[Collection(StaticComponentState.Name)]
public sealed class CallerThreadTests
{
    [Fact]
    public async Task An_idle_worker_runs_an_invocation_on_its_caller_s_pool_thread_and_answers_before_the_call_returns()
    {
        await using var fixture = new ExecutorFixture(typeof(Tally));
        await using var store = new InMemoryOplogStore();
        await using var executor = fixture.NewExecutor(store);
        var worker = ExecutorFixture.Worker(typeof(Tally), "on-caller");
        await executor.InvokeAsync(worker, "add", [new Value.U64(1)]);

        var (thread, completed, invocation) = await Task.Run(() =>
        {
            // The store commits at once: nothing in the invocation has to wait.
            var call = executor.InvokeAsync(worker, "add", [new Value.U64(2)]);
            return (Environment.CurrentManagedThreadId, call.IsCompleted, call);
        });

        Assert.True(completed);
        Assert.Equal(thread, Tally.LastThread);
        Assert.Equal(new Value.U64(3), (await invocation).Result);
    }

    [Fact]
    public async Task A_caller_with_a_synchronization_context_of_its_own_leaves_the_invocation_to_the_pool()
    {
        await using var fixture = new ExecutorFixture(typeof(Tally));
        await using var store = new InMemoryOplogStore();
        await using var executor = fixture.NewExecutor(store);
        var worker = ExecutorFixture.Worker(typeof(Tally), "off-caller");
        await executor.InvokeAsync(worker, "add", [new Value.U64(1)]);

        var (thread, sum) = await Task.Run(() =>
        {
            // A context (a UI's, a test runner's) would take the worker's continuations off its scheduler.
            SynchronizationContext.SetSynchronizationContext(new SynchronizationContext());
            try
            {
                // Blocking here keeps this thread from picking up the invocation from the pool itself.
                var result = executor.InvokeAsync(worker, "add", [new Value.U64(2)]).WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
                return (Environment.CurrentManagedThreadId, result.Result);
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(null);
            }
        });

        Assert.Equal(new Value.U64(3), sum);
        Assert.NotEqual(thread, Tally.LastThread);
    }
}
