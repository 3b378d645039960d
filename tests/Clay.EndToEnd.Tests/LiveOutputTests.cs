using Clay.Client;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// The worker's live output through the real `clay` against a real server: <c>worker stream</c>,
/// <c>worker invoke --stream</c> and <c>worker oplog --follow</c> show what the worker does while it
/// does it, never show a line twice (after a replay, after a restart), and end cleanly on Ctrl-C.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class LiveOutputTests(TalkerServer talker) : IClassFixture<TalkerServer>
{
    private const string Component = TalkerServer.Component;

    [Fact]
    public async Task Worker_stream_shows_a_running_invocations_lines_before_it_ends_and_Ctrl_C_ends_it_cleanly()
    {
        await talker.InvokeAsync("watched", "get");
        await using var stream = Clay("worker", "stream", $"{Component}/watched");
        await stream.WaitForErrorLineAsync("Streaming the log");

        var invocation = talker.InvokeAsync("watched", "gated", "\"a\"", "2");
        await stream.WaitForLineAsync("a waits on promise");

        // The invocation waits on a promise only this test completes: it is running for sure.
        Assert.False(invocation.IsCompleted);
        var promise = PromiseOf(stream.StdOut);
        await CompletePromiseAsync("watched", promise);
        await invocation;
        Assert.Equal(0, await stream.InterruptAsync());
        Assert.Equal(["INFO  [stdout] a 1", "INFO  a log 1", "INFO  [stdout] a 2", "INFO  a log 2", $"INFO  a waits on promise {promise}"],
            Lines(stream.StdOut));
        Assert.DoesNotContain(stream.StdErr, l => l.StartsWith("error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invoke_with_stream_shows_the_lines_while_the_invocation_runs_then_the_result()
    {
        await using var invoke = Clay("worker", "invoke", $"{Component}/streamed", "gated", "\"b\"", "2", "--stream");
        await invoke.WaitForErrorLineAsync("b waits on promise");

        Assert.False(invoke.HasExited);
        var promise = PromiseOf(invoke.StdErr);
        await CompletePromiseAsync("streamed", promise);

        Assert.Equal(0, await invoke.ExitCodeAsync());
        Assert.Equal(["Invocation results in WAVE format:", "- \"released\""], invoke.StdOut);
        Assert.Equal(["INFO  [stdout] b 1", "INFO  b log 1", "INFO  [stdout] b 2", "INFO  b log 2", $"INFO  b waits on promise {promise}"],
            Lines(invoke.StdErr));
    }

    [Fact]
    public async Task Oplog_follow_prints_the_entries_there_are_then_one_committed_after_it_started()
    {
        await talker.InvokeAsync("followed", "add", "5");
        await using var follow = Clay("worker", "oplog", $"{Component}/followed", "--follow");
        await follow.WaitForLineAsync("added 5, total 5");
        Assert.StartsWith("#00001: create", follow.StdOut[0], StringComparison.Ordinal);

        await talker.InvokeAsync("followed", "add", "7");
        await follow.WaitForLineAsync("added 7, total 12");

        Assert.Equal(0, await follow.InterruptAsync());
        var headers = follow.StdOut.Where(l => l.StartsWith('#')).ToList();
        Assert.Equal(headers.Distinct().Count(), headers.Count);
        Assert.Equal(headers.Order(StringComparer.Ordinal), headers);
    }

    [Fact]
    public async Task Oplog_follow_with_a_query_prints_only_matching_entries_old_and_new()
    {
        await talker.InvokeAsync("queried", "add", "1");
        await using var follow = Clay("worker", "oplog", $"{Component}/queried", "--follow", "--query", "kind:log");
        await follow.WaitForLineAsync("added 1, total 1");

        await talker.InvokeAsync("queried", "add", "2");
        await follow.WaitForLineAsync("added 2, total 3");

        Assert.Equal(0, await follow.InterruptAsync());
        var headers = follow.StdOut.Where(l => l.StartsWith('#')).ToList();
        Assert.Equal(2, headers.Count);
        Assert.All(headers, h => Assert.EndsWith(": log", h, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_line_is_not_shown_or_recorded_again_after_the_worker_is_evicted_and_replayed()
    {
        await talker.InvokeAsync("evicted", "chatter", "\"x\"", "2");
        await using var stream = Clay("worker", "stream", $"{Component}/evicted", "--after", "0");
        await stream.WaitForLineAsync("x log 2");

        using (var evicted = await talker.Http.PostAsync($"/v1/components/{Component}/workers/evicted/evict", null))
        {
            Assert.True(evicted.IsSuccessStatusCode, await evicted.Content.ReadAsStringAsync());
        }
        // Rebuilt from its oplog: the first invocation runs again, printing and logging again.
        await talker.InvokeAsync("evicted", "chatter", "\"y\"", "1");
        await stream.WaitForLineAsync("y log 1");

        Assert.Equal(0, await stream.InterruptAsync());
        string[] expected = ["INFO  [stdout] x 1", "INFO  x log 1", "INFO  [stdout] x 2", "INFO  x log 2", "INFO  [stdout] y 1", "INFO  y log 1"];
        Assert.Equal(expected, Lines(stream.StdOut));
        using var client = new ClayClient(new Uri(talker.Server.Url), talker.Server.Token);
        var recorded = await client.GetOplogAsync(Component, "evicted", query: "kind:log");
        Assert.Equal(expected.Select(l => l[6..]), recorded.Entries.Select(e => Context(e) + Field(e, "message")));
    }

    [Fact]
    public async Task A_stream_reconnects_after_a_server_restart_and_goes_on_without_duplicates()
    {
        await talker.InvokeAsync("restarted", "chatter", "\"r\"", "2");
        await using var stream = Clay("worker", "stream", $"{Component}/restarted");
        await stream.WaitForErrorLineAsync("Streaming the log");
        await talker.InvokeAsync("restarted", "chatter", "\"s\"", "1");
        await stream.WaitForLineAsync("s log 1");

        Assert.Equal(0, await talker.Server.TerminateAsync());
        await stream.WaitForErrorLineAsync("lost the connection");
        await talker.Server.StartAsync();
        // Whether the stream is back before this invocation or after, its lines come once.
        await talker.InvokeAsync("restarted", "chatter", "\"t\"", "1");
        await stream.WaitForLineAsync("t log 1");

        Assert.Equal(0, await stream.InterruptAsync());
        Assert.Equal(["INFO  [stdout] s 1", "INFO  s log 1", "INFO  [stdout] t 1", "INFO  t log 1"], Lines(stream.StdOut));
        Assert.Contains(stream.StdErr, l => l.Contains("reconnected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stream_whose_server_does_not_come_back_ends_with_stream_lost()
    {
        await talker.InvokeAsync("abandoned", "get");
        await using var stream = Clay("worker", "stream", $"{Component}/abandoned", "--reconnect-timeout", "2");
        await stream.WaitForErrorLineAsync("Streaming the log");
        try
        {
            await talker.Server.KillAsync();

            Assert.Equal(4, await stream.ExitCodeAsync());
            Assert.Contains(stream.StdErr, l => l.StartsWith("error[stream-lost]: lost the log stream of demo:talker/abandoned", StringComparison.Ordinal));
        }
        finally
        {
            await talker.Server.StartAsync();
        }
    }

    [Fact]
    public async Task Unknown_workers_and_unfit_options_are_refused_with_their_codes()
    {
        var clay = new ClayCli(talker.Server.Url, talker.CliHome);

        var stream = await clay.RunAsync(Path.GetTempPath(), "worker", "stream", $"{Component}/nobody");
        var follow = await clay.RunAsync(Path.GetTempPath(), "worker", "oplog", $"{Component}/nobody", "--follow");
        var enqueued = await clay.RunAsync(Path.GetTempPath(), "worker", "invoke", $"{Component}/nobody", "get", "--stream", "--enqueue");
        var counted = await clay.RunAsync(Path.GetTempPath(), "worker", "oplog", $"{Component}/nobody", "--follow", "--count", "3");

        Assert.Equal((3, "error[worker-not-found]: worker demo:talker/nobody not found"), (stream.ExitCode, stream.StdErr.Trim()));
        Assert.Equal((3, "error[worker-not-found]: worker demo:talker/nobody not found"), (follow.ExitCode, follow.StdErr.Trim()));
        Assert.Equal(2, enqueued.ExitCode);
        Assert.StartsWith("error[invalid-usage]: --stream", enqueued.StdErr, StringComparison.Ordinal);
        Assert.Equal(2, counted.ExitCode);
        Assert.StartsWith("error[invalid-usage]: --follow", counted.StdErr, StringComparison.Ordinal);
    }

    private ClayCliProcess Clay(params string[] args) => ClayCliProcess.Start(talker.Server.Url, talker.CliHome, args);

    /// <summary>
    /// Completes the promise whose id the worker logged. The line is shown before the promise's
    /// creation is durable (it commits when the worker starts waiting), so until then the server
    /// does not know the promise yet: ask again, within a bound.
    /// </summary>
    private async Task CompletePromiseAsync(string worker, long promise)
    {
        using var client = new ClayClient(new Uri(talker.Server.Url), talker.Server.Token);
        string? refusal = null;
        await Durable.SleeperServer.WaitUntilAsync(async () =>
        {
            try
            {
                await client.CompletePromiseAsync(Component, worker, promise, "released");
                return true;
            }
            // A worker the streamed invocation creates is committed with its first commit too: until then it is not found.
            catch (ClayApiException ex) when (ex.Code is "promise-not-found" or "worker-not-found")
            {
                refusal = ex.Message;
                return false;
            }
        }, TimeSpan.FromSeconds(60), () => $"promise {promise} of {worker} never became known: {refusal}");
    }

    private static long PromiseOf(IReadOnlyList<string> lines) =>
        long.Parse(lines.Last(l => l.Contains("waits on promise", StringComparison.Ordinal)).Split(' ')[^1]);

    /// <summary>The log lines of the text format without their time (<c>12:00:01.234 </c>).</summary>
    private static List<string> Lines(IEnumerable<string> output) =>
        output.Where(l => l.Length > 13 && l[2] == ':' && l[5] == ':' && l[8] == '.').Select(l => l[13..]).ToList();

    private static string Field(Clay.Client.Contracts.OplogEntryDto entry, string name) =>
        entry.Fields.FirstOrDefault(f => f[0] == name) is { } field ? field[1] : "";

    private static string Context(Clay.Client.Contracts.OplogEntryDto entry) =>
        Field(entry, "context") is { Length: > 0 } context ? $"[{context}] " : "";
}
