using Clay.Runtime.Errors;
using Clay.Sdk;
using Clay.Testing.Environment;
using Clay.TestComponents.Testing;

namespace Clay.Testing.Tests;

public sealed class PromiseTests
{
    [Fact]
    public async Task A_worker_waiting_for_a_promise_goes_on_with_the_value_it_is_completed_with()
    {
        await using var env = await ClayTestEnvironment.StartAsync<Subscription>();
        var subscription = env.Worker("dee");
        var promise = new PromiseId((long)await subscription.InvokeAsync(s => s.RequestApproval()));

        var approval = subscription.InvokeAsync(s => s.AwaitApproval((ulong)promise.Value));
        await env.SettleAsync();
        Assert.False(approval.IsCompleted);

        await subscription.CompletePromiseAsync(promise, "approved by eve");

        Assert.Equal("approved by eve", await approval);
        var twice = await Assert.ThrowsAsync<ClayException>(() => subscription.CompletePromiseAsync(promise, "again"));
        Assert.Equal(ErrorCodes.PromiseAlreadyCompleted, twice.Code);
    }

    [Fact]
    public async Task A_promise_completed_while_its_worker_recovers_from_a_crash_is_still_received()
    {
        await using var env = await ClayTestEnvironment.StartAsync<Subscription>();
        var subscription = env.Worker("fay");
        var promise = new PromiseId((long)await subscription.InvokeAsync(s => s.RequestApproval()));
        await subscription.EnqueueAsync(s => s.AwaitApproval((ulong)promise.Value));
        await env.SettleAsync();

        await subscription.CrashAndRecoverAsync();
        await subscription.CompletePromiseAsync(promise, "yes");
        await env.SettleAsync();

        Assert.Equal(["approved: yes"], await subscription.InvokeAsync(s => s.Events()));
    }
}
