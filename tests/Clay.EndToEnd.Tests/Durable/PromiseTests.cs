namespace Clay.EndToEnd.Tests.Durable;

/// <summary>
/// Promises through the real `clay` against a real server killed with SIGKILL: a promise completed
/// before the restart, one whose worker waits across the restart, and one completed after it are
/// each delivered once; a second completion and an unknown id are refused with their stable codes.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class PromiseTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Promises_completed_before_during_and_after_a_restart_are_delivered_once_and_a_second_completion_is_refused()
    {
        await using var clay = await SleeperServer.StartAsync();
        var before = await clay.InvokeAsync("before", "promise");
        var during = await clay.InvokeAsync("during", "promise");
        var after = await clay.InvokeAsync("after", "promise");
        await CompleteAsync(clay, "before", before, "early");
        await clay.EnqueueAsync("during", "wait-for", during);
        await SleeperServer.WaitUntilAsync(async () => await clay.StatusAsync("during") == "Suspended",
            Bound, () => clay.Output);

        await clay.KillAndRestartAsync();

        // The worker waiting when the server died waits again, by itself, and goes on when completed.
        await CompleteAsync(clay, "during", during, "meanwhile");
        await SleeperServer.WaitUntilAsync(async () => (await clay.StatusesAsync())["during"] == "Idle", Bound, () => clay.Output);
        Assert.Equal("[\"got meanwhile\"]", await clay.InvokeAsync("during", "steps"));
        // Completed before the crash: durable, delivered after it.
        Assert.Equal("\"early\"", await clay.InvokeAsync("before", "wait-for", before));
        await CompleteAsync(clay, "after", after, "late");
        Assert.Equal("\"late\"", await clay.InvokeAsync("after", "wait-for", after));

        var again = await clay.ClayAsync("worker", "promise", "complete", $"{SleeperServer.Component}/before", before, "twice");
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("error[promise-already-completed]", again.StdErr, StringComparison.Ordinal);
        var unknown = await clay.ClayAsync("worker", "promise", "complete", $"{SleeperServer.Component}/before", "999", "nobody waits");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("error[promise-not-found]", unknown.StdErr, StringComparison.Ordinal);
        // The refused completions changed nothing.
        Assert.Equal("\"early\"", await clay.InvokeAsync("before", "wait-for", before));
        Assert.Equal("[\"got early\", \"got early\"]", await clay.InvokeAsync("before", "steps"));
    }

    [Fact]
    public async Task The_metrics_count_the_invocations_queued_behind_a_worker_waiting_for_a_promise()
    {
        await using var clay = await SleeperServer.StartAsync();
        var promise = await clay.InvokeAsync("waiting", "promise");
        await clay.EnqueueAsync("waiting", "wait-for", promise);
        await SleeperServer.WaitUntilAsync(async () => await clay.StatusAsync("waiting") == "Suspended", Bound, () => clay.Output);
        await clay.EnqueueAsync("waiting", "steps");
        await clay.EnqueueAsync("waiting", "last-nap");

        await SleeperServer.WaitUntilAsync(async () => await clay.MetricAsync("clay_invocations_pending") == 2, Bound,
            () => "the two invocations queued behind the waiting one were not counted");
        Assert.Equal(0, await clay.MetricAsync("clay_invocations_running"));

        await CompleteAsync(clay, "waiting", promise, "go");
        await SleeperServer.WaitUntilAsync(async () => await clay.MetricAsync("clay_invocations_pending") == 0, Bound,
            () => "the queued invocations did not run once the promise was completed");
        Assert.Equal("[\"got go\"]", await clay.InvokeAsync("waiting", "steps"));
    }

    private static async Task CompleteAsync(SleeperServer clay, string worker, string promise, string value)
    {
        var completed = await clay.ClayAsync("worker", "promise", "complete", $"{SleeperServer.Component}/{worker}", promise, value);
        Assert.True(completed.ExitCode == 0, $"clay {completed.Command}: {completed.ExitCode}\n{completed.StdOut}\n{completed.StdErr}");
    }
}
