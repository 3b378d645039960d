using Clay.Runtime.Execution;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

[Collection(StaticComponentState.Name)]
public sealed class RetryTests
{
    private static readonly WorkerId Worker = ExecutorFixture.Worker(typeof(Flaky), "flaky");

    [Fact]
    public async Task Transient_failures_are_retried_with_backoff_and_the_worker_shows_retrying()
    {
        await using var fixture = new ExecutorFixture(typeof(Flaky));
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        Flaky.FailuresLeft = 2;
        Flaky.Attempts = 0;
        var (_, executor) = await fixture.StartAsync();

        var call = executor.InvokeAsync(Worker, "fetch", [Value.False]);
        var worker = await executor.GetAsync(Worker, null);
        for (var retry = 1; retry <= 2; retry++)
        {
            // Time stands still until the test moves it: each failed attempt waits for its backoff
            // timer, and the test sees the worker retrying while it waits.
            var backoff = await fixture.Time.NextTimerAsync();
            Assert.Equal(WorkerStatus.Retrying, worker.Status);
            Assert.Equal(retry, Flaky.Attempts);
            fixture.Time.Advance(backoff);
        }
        var result = await call.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new Value.String("fetched after 3 attempts"), result.Result);
        Assert.Equal(2, worker.GetInfo().RetryCount);
        Assert.Equal(WorkerStatus.Idle, worker.Status);
    }

    [Fact]
    public async Task A_permanent_effect_failure_is_recorded_and_replayed_without_running_the_effect_again()
    {
        await using var fixture = new ExecutorFixture(typeof(Flaky));
        Flaky.FailuresLeft = 0;
        Flaky.Attempts = 0;
        var (store, executor) = await fixture.StartAsync();

        var result = await executor.InvokeAsync(Worker, "fetch", [Value.True], "once");
        Assert.Equal(new Value.String("failed: System.ArgumentException: bad request"), result.Result);
        Assert.Equal(1, Flaky.Attempts);
        await fixture.StopAsync(store, executor);

        var (_, reopened) = await fixture.StartAsync();
        var info = await reopened.GetInfoAsync(Worker);

        Assert.Equal(WorkerStatus.Idle, info.Status);
        Assert.Equal(1, Flaky.Attempts);
    }
}
