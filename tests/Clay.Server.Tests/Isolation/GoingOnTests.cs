using Clay.Cluster.Hosts;
using Clay.Runtime;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Clay.Server.Isolation;

namespace Clay.Server.Tests.Isolation;

/// <summary>
/// Which woken workers a crash of their host with no call in flight is charged to: those whose marks,
/// as their host handed them over, still showed work running.
/// </summary>
public sealed class GoingOnTests
{
    private const string Component = "test:going-on";
    private static readonly WorkerId Culprit = new(Component, "culprit");
    private static readonly WorkerId Innocent = new(Component, "innocent");
    private static readonly WorkerId Sleeper = new(Component, "sleeper");
    private static readonly WorkerId Caller = new(Component, "caller");

    private static StoreCall Append(WorkerId worker, WorkerMark? mark) =>
        new(worker.Worker, StoreOperation.Append, 5, 0, [[1, 2, 3]], mark is null ? null : MarkData.Of(mark));

    [Fact]
    public void A_woken_worker_whose_mark_shows_its_work_done_or_asleep_is_no_longer_charged()
    {
        var goingOn = new GoingOn();
        foreach (var worker in new[] { Culprit, Innocent, Sleeper, Caller }) goingOn.WentOn(worker);

        // The culprit's invocation begins (work under way); the innocent's ends; the sleeper waits for its timer;
        // the caller waits, suspended, for another worker's answer (work pending, but none of its code running).
        goingOn.Sent(Component, Append(Culprit, new WorkerMark(WorkerStatus.Running, HasPendingWork: true)));
        goingOn.Sent(Component, Append(Innocent, WorkerMark.Idle));
        goingOn.Sent(Component, Append(Sleeper, new WorkerMark(WorkerStatus.Suspended, WakeAt: DateTimeOffset.UtcNow.AddMinutes(1))));
        goingOn.Sent(Component, Append(Caller, new WorkerMark(WorkerStatus.Suspended, HasPendingWork: true, WakeAt: DateTimeOffset.UtcNow.AddMinutes(1))));

        Assert.Equal([Culprit], goingOn.Workers);
    }

    [Fact]
    public void Only_an_append_from_the_worker_s_own_host_with_a_mark_counts()
    {
        var goingOn = new GoingOn();
        goingOn.WentOn(Innocent);

        // An unchanged mark is not sent; another component's host, or another operation, says nothing of this worker.
        goingOn.Sent(Component, Append(Innocent, null));
        goingOn.Sent("test:other", Append(Innocent, WorkerMark.Idle));
        goingOn.Sent(Component, new StoreCall(Innocent.Worker, StoreOperation.Sync));
        goingOn.Sent(Component, new HostLogLine(Innocent.Worker, 1, DateTimeOffset.UtcNow, 2, "", "done", null, null));

        Assert.Equal([Innocent], goingOn.Workers);
    }

    [Fact]
    public void Its_wait_ends_when_the_worker_s_mark_shows_its_work_done_and_not_before()
    {
        var goingOn = new GoingOn();
        goingOn.WentOn(Culprit);
        var done = goingOn.Done(Culprit);

        goingOn.Sent(Component, Append(Culprit, new WorkerMark(WorkerStatus.Running, HasPendingWork: true)));
        Assert.False(done.IsCompleted);
        goingOn.Sent(Component, Append(Culprit, WorkerMark.Idle));
        Assert.True(done.IsCompletedSuccessfully);
        // A worker not going on (never woken, or done already) has nothing to wait for.
        Assert.True(goingOn.Done(Culprit).IsCompletedSuccessfully);
        Assert.True(goingOn.Done(Innocent).IsCompletedSuccessfully);
    }

    [Fact]
    public void A_worker_not_woken_after_a_crash_is_never_charged()
    {
        var goingOn = new GoingOn();

        goingOn.Sent(Component, Append(Culprit, new WorkerMark(WorkerStatus.Running, HasPendingWork: true)));

        Assert.Empty(goingOn.Workers);
    }
}
