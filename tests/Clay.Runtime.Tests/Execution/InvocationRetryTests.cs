using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Clay.Runtime.Values;
using Clay.Sdk;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

[Collection(StaticComponentState.Name)]
public sealed class InvocationRetryTests
{
    private static readonly WorkerId Worker = ExecutorFixture.Worker(typeof(Waiter), "unsteady");

    [Fact]
    public async Task A_transiently_failing_invocation_is_retried_as_a_whole_and_answers_once_it_succeeds()
    {
        await using var fixture = UnsteadyService(failures: 2);
        await using var process = await WaitingProcess.StartAsync(fixture);

        var first = await Assert.ThrowsAsync<WorkerSuspendedException>(() => process.Executor.InvokeAsync(Worker, "unsteady", [], "call"));
        Assert.Contains("attempt 1 of 3", first.Message);
        Assert.Equal(TimeSpan.FromSeconds(10), await fixture.Time.NextTimerAsync());
        var info = await process.Executor.GetInfoAsync(Worker);
        Assert.Equal(WorkerStatus.Retrying, info.Status);
        Assert.Equal(new WorkerMark(WorkerStatus.Retrying, WakeAt: fixture.Time.GetUtcNow().AddSeconds(10)), await process.Store.GetMarkAsync(Worker));
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(20), await fixture.Time.NextTimerAsync());
        fixture.Time.Advance(TimeSpan.FromSeconds(20));

        await WaitingProcess.UntilAsync(async () => await process.Store.GetMarkAsync(Worker) is null, "the third attempt to finish");
        var answer = await process.Executor.InvokeAsync(Worker, "unsteady", [], "call");
        Assert.Equal(new Value.String("answered on call 3"), answer.Result);
        Assert.Equal(3, Waiter.ServiceCalls);
        // Each failed attempt is in the oplog; the state holds only the successful one.
        Assert.Equal(2, (await process.Executor.ReadOplogAsync(Worker, query: "invocation-retry")).Entries.Count);
        Assert.Equal(DurableSleepTests.List("answered on call 3"), (await process.Executor.InvokeAsync(Worker, "steps", [])).Result);
    }

    [Fact]
    public async Task A_worker_reopened_while_its_failed_attempt_is_being_recorded_opens_after_that_commit_and_does_not_run_the_attempt_again()
    {
        await using var fixture = UnsteadyService(failures: 1);
        var store = new CountingOplogStore(await fixture.OpenStoreAsync());
        var recording = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The commit that records the failed attempt is held by the store.
        store.BeforeAppend = entries =>
        {
            if (!entries.Any(e => Runtime.Oplog.Codec.OplogCodec.PeekKind(e.Span) == Runtime.Oplog.OplogEntryKind.Error)) return Task.CompletedTask;
            recording.TrySetResult();
            return release.Task;
        };
        await using var executor = fixture.NewExecutor(store);
        await executor.EnqueueAsync(Worker, "unsteady", [], "call");
        await recording.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Something asks for the worker meanwhile: the retrying executor must be replaced by one opened from the oplog.
        var reopening = executor.Activation(Worker).OpenAsync();
        // Given time to open and run the queued invocation (it would, within milliseconds, were it opened before the commit).
        var deadline = DateTime.UtcNow.AddMilliseconds(500);
        while (Waiter.ServiceCalls == 1 && !reopening.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(5);
        var callsBeforeTheCommit = Waiter.ServiceCalls;
        release.SetResult();
        await reopening.WaitAsync(TimeSpan.FromSeconds(30));

        // Opened after the commit, the worker waits for the time of its second attempt; opened before it, it
        // would have run the attempt again (calling the service a second time) and never seen the first fail.
        await WaitingProcess.UntilAsync(async () => (await executor.GetInfoAsync(Worker)).Status == WorkerStatus.Retrying, "the worker to wait for its retry");
        Assert.Equal(1, callsBeforeTheCommit);
        Assert.Equal(1, Waiter.ServiceCalls);
        // Its status says Retrying before its timer is set: time moves once the timer is there, or it would wait ten seconds more.
        Assert.Equal(TimeSpan.FromSeconds(10), await fixture.Time.NextTimerAsync());
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        await WaitingProcess.UntilAsync(async () => await store.GetMarkAsync(Worker) is null, "the second attempt to finish");
        Assert.Equal(new Value.String("answered on call 2"), (await executor.InvokeAsync(Worker, "unsteady", [], "call").WaitAsync(TimeSpan.FromSeconds(30))).Result);
        Assert.Equal(2, Waiter.ServiceCalls);
    }

    [Fact]
    public async Task When_retries_run_out_the_worker_is_failed_also_after_a_restart_and_resume_retries_it()
    {
        await using var fixture = new ExecutorFixture(typeof(Waiter)) { InvocationRetry = new RetryPolicy(2, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 1) };
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        Waiter.FailuresLeft = int.MaxValue;
        Waiter.ServiceCalls = 0;
        var first = await WaitingProcess.StartAsync(fixture);
        await first.Executor.EnqueueAsync(Worker, "unsteady", [], "call");
        Assert.Equal(TimeSpan.FromSeconds(1), await fixture.Time.NextTimerAsync());
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await WaitingProcess.UntilAsync(async () => (await first.Store.GetMarkAsync(Worker))?.Status == WorkerStatus.Failed, "the worker to fail");
        await first.DisposeAsync();

        await using var restarted = await WaitingProcess.StartAsync(fixture);
        var failed = await restarted.Executor.GetInfoAsync(Worker);
        Assert.False(failed.Resident);
        Assert.Equal(WorkerStatus.Failed, failed.Status);
        Assert.Contains("service unavailable", failed.LastError);
        var refused = await Assert.ThrowsAsync<WorkerUnavailableException>(() => restarted.Executor.InvokeAsync(Worker, "steps", []));
        Assert.Equal("worker-failed", refused.Code);
        Assert.Equal(2, Waiter.ServiceCalls);

        // The cause is gone: resume retries the invocation, with a fresh count of attempts.
        Waiter.FailuresLeft = 0;
        await restarted.Executor.Activation(Worker).ResumeAsync();
        await WaitingProcess.UntilAsync(async () => await restarted.Store.GetMarkAsync(Worker) is null, "the resumed invocation to finish");
        Assert.Equal(new Value.String("answered on call 3"), (await restarted.Executor.InvokeAsync(Worker, "unsteady", [], "call")).Result);
        Assert.Equal(WorkerStatus.Idle, (await restarted.Executor.GetInfoAsync(Worker)).Status);
        var notFailed = await Assert.ThrowsAsync<Errors.ClayException>(() => restarted.Executor.Activation(Worker).ResumeAsync());
        Assert.Equal("worker-not-resumable", notFailed.Code);
    }

    [Fact]
    public async Task A_component_s_own_policy_replaces_the_server_s_and_a_worker_s_environment_replaces_both()
    {
        await using var fixture = new ExecutorFixture(typeof(Impatient)) { InvocationRetry = new RetryPolicy(9, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), 1) };
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        await using var process = await WaitingProcess.StartAsync(fixture);
        var byComponent = ExecutorFixture.Worker(typeof(Impatient), "by-component");
        var byWorker = ExecutorFixture.Worker(typeof(Impatient), "by-worker");

        // The component's [InvocationRetry(2, 5 s)], not the server's nine attempts a minute apart.
        var first = await Assert.ThrowsAsync<WorkerSuspendedException>(() => process.Executor.InvokeAsync(byComponent, "unsteady", [], "call"));
        Assert.Contains("attempt 1 of 2", first.Message);
        Assert.Equal(TimeSpan.FromSeconds(5), await fixture.Time.NextTimerAsync());
        fixture.Time.Advance(TimeSpan.FromSeconds(5));
        await WaitingProcess.UntilAsync(async () => (await process.Store.GetMarkAsync(byComponent))?.Status == WorkerStatus.Failed, "the second attempt to fail");

        // A worker created with its own settings: three attempts, 250 ms then 500 ms.
        await process.Executor.CreateAsync(byWorker, new WorkerCreation([],
            [new(InvocationRetrySettings.MaxAttempts, "3"), new(InvocationRetrySettings.InitialDelay, "250ms"), new(InvocationRetrySettings.Multiplier, "2")]));
        var own = await Assert.ThrowsAsync<WorkerSuspendedException>(() => process.Executor.InvokeAsync(byWorker, "unsteady", [], "call"));
        Assert.Contains("attempt 1 of 3", own.Message);
        Assert.Equal(TimeSpan.FromMilliseconds(250), await fixture.Time.NextTimerAsync());
        fixture.Time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(TimeSpan.FromMilliseconds(500), await fixture.Time.NextTimerAsync());
    }

    [Theory]
    [InlineData("CLAY_RETRY_MAX_ATTEMPTS", "0", "CLAY_RETRY_MAX_ATTEMPTS='0': expected a whole number of attempts, at least 1")]
    [InlineData("CLAY_RETRY_INITIAL_DELAY", "soon", "CLAY_RETRY_INITIAL_DELAY: 'soon' is not a duration")]
    [InlineData("CLAY_RETRY_MULTIPLIER", "0.5", "CLAY_RETRY_MULTIPLIER='0.5': expected a number, at least 1")]
    [InlineData("CLAY_RETRY_MAX_DELAY", "1ms", "the longest (00:00:00.0010000) no shorter than the first (00:00:05)")]
    public async Task A_worker_whose_retry_settings_are_not_a_policy_is_refused_and_not_created(string name, string value, string message)
    {
        await using var fixture = new ExecutorFixture(typeof(Impatient));
        await using var process = await WaitingProcess.StartAsync(fixture);
        var worker = ExecutorFixture.Worker(typeof(Impatient), "refused");

        var refused = await Assert.ThrowsAsync<Errors.ClayException>(() => process.Executor.CreateAsync(worker, new WorkerCreation([], [new(name, value)])));

        Assert.Equal("invalid-arguments", refused.Code);
        Assert.Contains(message, refused.Message);
        Assert.Equal(0, await process.Store.GetLastIndexAsync(worker));
    }

    [Fact]
    public async Task An_ordinary_exception_fails_only_its_invocation()
    {
        await using var fixture = new ExecutorFixture(typeof(Waiter));
        await using var process = await WaitingProcess.StartAsync(fixture);

        var failure = await Assert.ThrowsAsync<InvocationFailedException>(() => process.Executor.InvokeAsync(Worker, "broken", []));

        Assert.Contains("broken on purpose", failure.Message);
        Assert.Equal(WorkerStatus.Idle, (await process.Executor.GetInfoAsync(Worker)).Status);
        Assert.Null(await process.Store.GetMarkAsync(Worker));
        Assert.Equal(DurableSleepTests.List(), (await process.Executor.InvokeAsync(Worker, "steps", [])).Result);
    }

    /// <summary>
    /// Three attempts, 10 s then 20 s apart, on a clock that moves only when told; the service fails
    /// <paramref name="failures"/> times, then answers.
    /// </summary>
    private static ExecutorFixture UnsteadyService(int failures)
    {
        var fixture = new ExecutorFixture(typeof(Waiter)) { InvocationRetry = new RetryPolicy(3, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), 2) };
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        Waiter.FailuresLeft = failures;
        Waiter.ServiceCalls = 0;
        return fixture;
    }
}
