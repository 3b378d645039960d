using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

/// <summary>
/// Where an idle worker's invocation runs: on the thread of the caller that waits for it when worker
/// code may run there (a thread-pool thread, or one in a carry scope, with no scheduler or context of
/// its own), else on the pool.
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
        // The first call's answer is given before its loop goes back to waiting: the worker is idle once it waits.
        await WaitUntilIdle(executor.TryGetResident(worker)!);

        // The store commits at once: nothing in the invocation has to wait.
        var (thread, completed, invocation) = await OnPoolThread(() => executor.InvokeAsync(worker, "add", [new Value.U64(2)]));

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

    [Fact]
    public async Task A_worker_s_first_invocation_runs_on_its_caller_s_thread_too()
    {
        await using var fixture = new ExecutorFixture(typeof(Tally));
        await using var store = new InMemoryOplogStore();
        await using var executor = fixture.NewExecutor(store);
        var worker = ExecutorFixture.Worker(typeof(Tally), "first-on-caller");

        // The worker opens with this call: its loop starts on the caller's thread and waits, and takes the call there.
        var (thread, completed, invocation) = await OnPoolThread(() => executor.InvokeAsync(worker, "add", [new Value.U64(5)]));

        Assert.True(completed);
        Assert.Equal(thread, Tally.LastThread);
        Assert.Equal(new Value.U64(5), (await invocation).Result);
    }

    [Fact]
    public async Task A_thread_outside_the_pool_carries_an_invocation_only_within_a_carry_scope()
    {
        await using var fixture = new ExecutorFixture(typeof(Tally));
        await using var store = new InMemoryOplogStore();
        await using var executor = fixture.NewExecutor(store);
        var worker = ExecutorFixture.Worker(typeof(Tally), "carried");
        await executor.InvokeAsync(worker, "add", [new Value.U64(1)]);

        var outside = OnOwnThread(() => executor.InvokeAsync(worker, "add", [new Value.U64(2)]));
        await WaitUntilIdle(executor.TryGetResident(worker)!);
        var inside = OnOwnThread(() =>
        {
            using (WorkerExecutor.CarryHere()) return executor.InvokeAsync(worker, "add", [new Value.U64(3)]);
        });

        Assert.NotEqual(outside.Thread, outside.RanOn);
        Assert.Equal(new Value.U64(3), outside.Sum);
        Assert.True(inside.Completed);
        Assert.Equal(inside.Thread, inside.RanOn);
        Assert.Equal(new Value.U64(6), inside.Sum);
    }

    /// <summary>Waits, with a bound, until the worker's loop waits for something to be queued.</summary>
    private static async Task WaitUntilIdle(WorkerExecutor resident)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!resident.WaitsForWork)
        {
            Assert.True(DateTime.UtcNow < deadline, "the worker's loop did not go back to waiting");
            await Task.Yield();
        }
    }

    /// <summary>Calls on a thread-pool thread without waiting: that thread, whether the call had completed on return, and the call.</summary>
    private static Task<(int Thread, bool Completed, Task<InvocationResult> Call)> OnPoolThread(Func<Task<InvocationResult>> call) =>
        Task.Run(() =>
        {
            var invocation = call();
            return (Environment.CurrentManagedThreadId, invocation.IsCompleted, invocation);
        });

    /// <summary>Calls on a thread of its own (not the pool's) and waits there; where the worker's code ran.</summary>
    private static (int Thread, int RanOn, bool Completed, Value Sum) OnOwnThread(Func<Task<InvocationResult>> call)
    {
        (int, int, bool, Value)? seen = null;
        var thread = new Thread(() =>
        {
            var invocation = call();
            var completed = invocation.IsCompleted;
            var sum = invocation.WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult().Result!;
            seen = (Environment.CurrentManagedThreadId, Tally.LastThread, completed, sum);
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "the call did not return");
        return seen ?? throw new InvalidOperationException("the call failed");
    }
}
