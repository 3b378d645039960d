using Clay.Runtime.Errors;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;

namespace Clay.Runtime.Tests.Execution;

[Collection(StaticComponentState.Name)]
public sealed class ScheduleTests
{
    private static readonly WorkerId Worker = ExecutorFixture.Worker(typeof(Tally), "scheduled");
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_scheduled_invocation_waits_durably_is_listed_and_fires_after_a_crash_at_its_time()
    {
        await using var fixture = new ExecutorFixture(typeof(Tally));
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        var first = await WaitingProcess.StartAsync(fixture);
        var activation = first.Executor.Activation(Worker);
        await activation.EnqueueAsync(new InvocationRequest("add", new InvocationArguments.Wave(["5"]), "later") { ScheduleAt = Start.AddHours(2) });
        await activation.EnqueueAsync(new InvocationRequest("add", new InvocationArguments.Wave(["7"]), "sooner") { ScheduleAt = Start.AddHours(1) });

        Assert.Equal(["sooner", "later"], (await activation.GetSchedulesAsync()).Select(s => s.IdempotencyKey));
        Assert.Equal(new WorkerMark(WorkerStatus.Idle, WakeAt: Start.AddHours(1)), await first.Store.GetMarkAsync(Worker));
        Assert.True(await first.Executor.EvictAsync(Worker));
        await first.CrashAsync();

        await using var restarted = await WaitingProcess.StartAsync(fixture);
        Assert.Equal(1, restarted.WakeUps.Waiting);
        fixture.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.Null(restarted.Executor.TryGetResident(Worker));
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        await WaitingProcess.UntilAsync(async () => (await restarted.Store.GetMarkAsync(Worker))?.WakeAt == Start.AddHours(2), "the first schedule to fire");
        Assert.Equal(Values(7), (await restarted.Executor.InvokeAsync(Worker, "history", [])).Result);
        Assert.Equal(["later"], (await restarted.Executor.Activation(Worker).GetSchedulesAsync()).Select(s => s.IdempotencyKey));

        fixture.Time.Advance(TimeSpan.FromHours(1));
        await WaitingProcess.UntilAsync(async () => await restarted.Store.GetMarkAsync(Worker) is null, "the second schedule to fire");
        Assert.Equal(Values(7, 5), (await restarted.Executor.InvokeAsync(Worker, "history", [])).Result);
        Assert.Empty(await restarted.Executor.Activation(Worker).GetSchedulesAsync());
    }

    [Fact]
    public async Task A_cancelled_schedule_never_fires_and_only_waiting_invocations_can_be_cancelled()
    {
        await using var fixture = new ExecutorFixture(typeof(Tally));
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        var first = await WaitingProcess.StartAsync(fixture);
        var activation = first.Executor.Activation(Worker);
        await activation.EnqueueAsync(new InvocationRequest("add", new InvocationArguments.Wave(["1"]), "kept") { ScheduleAt = Start.AddMinutes(10) });
        await activation.EnqueueAsync(new InvocationRequest("add", new InvocationArguments.Wave(["100"]), "dropped") { ScheduleAt = Start.AddMinutes(5) });
        await activation.CancelInvocationAsync("dropped");
        await first.CrashAsync();

        await using var restarted = await WaitingProcess.StartAsync(fixture);
        fixture.Time.Advance(TimeSpan.FromMinutes(10));
        await WaitingProcess.UntilAsync(async () => await restarted.Store.GetMarkAsync(Worker) is null, "the kept schedule to fire");
        Assert.Equal(Values(1), (await restarted.Executor.InvokeAsync(Worker, "history", [])).Result);

        var again = restarted.Executor.Activation(Worker);
        Assert.Equal(ErrorCodes.InvocationNotCancellable, (await Assert.ThrowsAsync<ClayException>(() => again.CancelInvocationAsync("kept"))).Code);
        Assert.Equal(ErrorCodes.InvocationNotFound, (await Assert.ThrowsAsync<ClayException>(() => again.CancelInvocationAsync("never"))).Code);
        Assert.Equal(ErrorCodes.InvocationNotFound, (await Assert.ThrowsAsync<ClayException>(() => again.CancelInvocationAsync("dropped"))).Code);
    }

    [Fact]
    public async Task A_worker_schedules_a_call_of_another_worker_once_also_when_replayed()
    {
        await using var fixture = new ExecutorFixture(typeof(Relay));
        fixture.Time.AutoAdvanceAmount = TimeSpan.Zero;
        var sender = ExecutorFixture.Worker(typeof(Relay), "sender");
        var inbox = ExecutorFixture.Worker(typeof(Relay), "inbox");
        var first = await WaitingProcess.StartAsync(fixture);
        var key = await first.Executor.InvokeAsync(sender, "note-later", [new Value.String("inbox"), new Value.U64(60), new Value.String("ping")]);
        Assert.Equal([((Value.String)key.Result!).V], (await first.Executor.Activation(inbox).GetSchedulesAsync()).Select(s => s.IdempotencyKey));
        await first.DisposeAsync();

        await using var restarted = await WaitingProcess.StartAsync(fixture);
        await restarted.Executor.GetAsync(sender, null);
        fixture.Time.Advance(TimeSpan.FromSeconds(60));
        await WaitingProcess.UntilAsync(async () => await restarted.Store.GetMarkAsync(inbox) is null, "the note to arrive");
        Assert.Equal(DurableSleepTests.List("sender: ping"), (await restarted.Executor.InvokeAsync(inbox, "received", [])).Result);
    }

    private static Value Values(params ulong[] values) => new Value.List(values.Select(v => (Value)new Value.U64(v)).ToArray());
}
