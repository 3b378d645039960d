using System.Text.Json.Nodes;

namespace Clay.EndToEnd.Tests.Durable;

/// <summary>
/// Revert, fork and delete through the real `clay` against a real server killed with SIGKILL: after
/// the restart each operation is done — the reverted state, the fork's own history, the deleted worker
/// gone for good — and the effects of the reverted history never run again. The refusals exit with
/// their stable codes and change nothing.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class HistoryEditTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_revert_survives_kill_9_and_the_effects_it_skipped_never_run_again()
    {
        using var http = new CountingHttpServer();
        await using var clay = await SleeperServer.StartAsync();
        foreach (var path in new[] { "one", "two", "three" }) await clay.InvokeAsync("reverted", "unsteady", Quote(http.Url + path));

        var reverted = await clay.ClayAsync("worker", "revert", $"{SleeperServer.Component}/reverted", "--number-of-invocations", "2");
        Assert.True(reverted.ExitCode == 0, $"{reverted.StdOut}\n{reverted.StdErr}");
        Assert.Contains("Reverted worker sleeper/reverted", reverted.StdOut, StringComparison.Ordinal);

        await clay.KillAndRestartAsync();

        Assert.Equal("[\"one answered on call 1\"]", await clay.InvokeAsync("reverted", "steps"));
        var oplog = await clay.ClayAsync("worker", "oplog", $"{SleeperServer.Component}/reverted", "--query", "jump");
        Assert.Contains(": jump", oplog.StdOut, StringComparison.Ordinal);
        Assert.Equal([1, 1, 1], new[] { "one", "two", "three" }.Select(http.Hits));
        // Its history goes on from the reverted state.
        await clay.InvokeAsync("reverted", "unsteady", Quote(http.Url + "four"));
        Assert.Equal("[\"one answered on call 1\", \"four answered on call 1\"]", await clay.InvokeAsync("reverted", "steps"));

        await AssertRefusedAsync(clay, 2, "oplog-index-out-of-range", "worker", "revert", "sleeper/reverted", "--last-oplog-index", "0");
        await AssertRefusedAsync(clay, 2, "oplog-index-out-of-range", "worker", "revert", "sleeper/reverted", "--last-oplog-index", "100000");
        await AssertRefusedAsync(clay, 2, "invocation-count-out-of-range", "worker", "revert", "sleeper/reverted", "--number-of-invocations", "99");
        await AssertRefusedAsync(clay, 2, "invalid-usage", "worker", "revert", "sleeper/reverted", "--number-of-invocations", "1", "--last-oplog-index", "3");
        await AssertRefusedAsync(clay, 3, "worker-not-found", "worker", "revert", "sleeper/nobody", "--number-of-invocations", "1");
        Assert.Equal("[\"one answered on call 1\", \"four answered on call 1\"]", await clay.InvokeAsync("reverted", "steps"));
    }

    [Fact]
    public async Task A_fork_survives_kill_9_with_the_source_history_up_to_its_index_then_its_own()
    {
        using var http = new CountingHttpServer();
        await using var clay = await SleeperServer.StartAsync();
        await clay.InvokeAsync("source", "unsteady", Quote(http.Url + "one"));
        await clay.InvokeAsync("source", "unsteady", Quote(http.Url + "two"));
        var ends = await clay.ClayAsync("worker", "oplog", "sleeper/source", "--query", "exported-function-completed", "--format", "json");
        var firstEnd = JsonNode.Parse(ends.StdOut)!["entries"]![0]!["index"]!.GetValue<long>();

        var forked = await clay.ClayAsync("worker", "fork", "sleeper/source", "sleeper/copy", "--oplog-index", $"{firstEnd}");
        Assert.True(forked.ExitCode == 0, $"{forked.StdOut}\n{forked.StdErr}");
        Assert.Contains($"Forked worker sleeper/source up to oplog index {firstEnd} into sleeper/copy", forked.StdOut, StringComparison.Ordinal);

        await clay.KillAndRestartAsync();

        Assert.Equal("[\"one answered on call 1\"]", await clay.InvokeAsync("copy", "steps"));
        await clay.InvokeAsync("copy", "unsteady", Quote(http.Url + "three"));
        Assert.Equal("[\"one answered on call 1\", \"three answered on call 1\"]", await clay.InvokeAsync("copy", "steps"));
        Assert.Equal("[\"one answered on call 1\", \"two answered on call 1\"]", await clay.InvokeAsync("source", "steps"));
        Assert.Equal([1, 1, 1], new[] { "one", "two", "three" }.Select(http.Hits));

        await AssertRefusedAsync(clay, 2, "worker-already-exists", "worker", "fork", "sleeper/source", "sleeper/copy", "--oplog-index", "1");
        await AssertRefusedAsync(clay, 2, "oplog-index-out-of-range", "worker", "fork", "sleeper/source", "sleeper/other", "--oplog-index", "100000");
        await AssertRefusedAsync(clay, 3, "worker-not-found", "worker", "fork", "sleeper/nobody", "sleeper/other", "--oplog-index", "1");
        Assert.DoesNotContain("other", (await clay.StatusesAsync()).Keys);
    }

    [Fact]
    public async Task A_worker_deleted_mid_sleep_is_gone_after_kill_9_and_never_wakes()
    {
        using var http = new CountingHttpServer();
        await using var clay = await SleeperServer.StartAsync();
        await clay.EnqueueAsync("gone", "loop", Quote(http.Url + "gone/"), "2", "2");
        await http.WaitForAsync("gone/step/1", 1, Bound);
        await SleeperServer.WaitUntilAsync(async () => await clay.StatusAsync("gone") == "Suspended", Bound, () => clay.Output);
        // A control worker whose sleep ends after the deleted one's would have.
        await clay.EnqueueAsync("control", "loop", Quote(http.Url + "control/"), "2", "2");
        await http.WaitForAsync("control/step/1", 1, Bound);

        var deleted = await clay.ClayAsync("worker", "delete", "sleeper/gone");
        Assert.True(deleted.ExitCode == 0, $"{deleted.StdOut}\n{deleted.StdErr}");
        await clay.KillAndRestartAsync();

        await http.WaitForAsync("control/step/2", 1, Bound);
        await SleeperServer.WaitUntilAsync(async () => (await clay.StatusesAsync())["control"] == "Idle", Bound, () => clay.Output);
        Assert.Equal(0, http.Hits("gone/step/2"));
        Assert.DoesNotContain("gone", (await clay.StatusesAsync()).Keys);
        await AssertRefusedAsync(clay, 3, "worker-not-found", "worker", "get", "sleeper/gone");
    }

    private static string Quote(string text) => $"\"{text}\"";

    private static async Task AssertRefusedAsync(SleeperServer clay, int exitCode, string code, params string[] args)
    {
        var refused = await clay.ClayAsync(args);
        Assert.True(refused.ExitCode == exitCode, $"clay {refused.Command}: exit {refused.ExitCode}\n{refused.StdOut}\n{refused.StdErr}");
        Assert.Contains($"error[{code}]", refused.StdErr, StringComparison.Ordinal);
    }
}
