using System.Text.Json.Nodes;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// <c>GET …/workers/{w}/logs</c> against a real server: lines arrive live and in order while the
/// invocation runs, a reader that reconnects with Last-Event-ID gets each line once, also after a
/// restart, and a reader too slow to keep up is dropped with an event without holding the worker.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class LogStreamTests(TalkerServer talker) : IClassFixture<TalkerServer>
{
    [Fact]
    public async Task Lines_arrive_in_order_while_the_invocation_runs()
    {
        // The worker does not exist yet: a stream may wait for it.
        await using var stream = await SseStream.OpenAsync(talker.Http, talker.LogsPath("live"));
        var invocation = talker.InvokeAsync("live", "talk", "5", "50", "60000");

        var lines = (await stream.TakeAsync("log", 5)).Where(e => e.Name == "log").ToList();

        Assert.False(invocation.IsCompleted, "the invocation ended before its lines were read; the test would not show they were live");
        Assert.Equal(["line 1", "line 2", "line 3", "line 4", "line 5"], lines.Select(Message));
        var ids = lines.Select(e => long.Parse(e.Id!)).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids, lines.Select(e => JsonNode.Parse(e.Data)!["index"]!.GetValue<long>()));
    }

    [Fact]
    public async Task A_reader_that_reconnects_with_Last_Event_ID_gets_every_line_once()
    {
        string resumeAfter;
        var invocation = Task.CompletedTask;
        await using (var first = await SseStream.OpenAsync(talker.Http, talker.LogsPath("resumed")))
        {
            invocation = talker.InvokeAsync("resumed", "talk", "8", "40", "0");
            resumeAfter = (await first.TakeAsync("log", 3)).Last(e => e.Name == "log").Id!;
        }

        // Reconnected while the worker goes on writing: the missed lines come from the server's
        // memory (they are not durable before the invocation ends), then the live ones.
        await using (var second = await SseStream.OpenAsync(talker.Http, talker.LogsPath("resumed"), resumeAfter))
        {
            var rest = (await second.TakeAsync("log", 5)).Where(e => e.Name == "log").ToList();
            Assert.Equal(["line 4", "line 5", "line 6", "line 7", "line 8"], rest.Select(Message));
            Assert.All(rest, e => Assert.True(long.Parse(e.Id!) > long.Parse(resumeAfter)));
        }
        await invocation;

        // Reconnected once the lines are both durable and still in memory: each is sent once, then
        // the stream goes on with a new line.
        await using var third = await SseStream.OpenAsync(talker.Http, talker.LogsPath("resumed"), resumeAfter);
        await talker.InvokeAsync("resumed", "talk", "1", "0", "0");
        var events = (await third.TakeAsync("log", 6)).Where(e => e.Name == "log").ToList();
        Assert.Equal(["line 4", "line 5", "line 6", "line 7", "line 8", "line 1"], events.Select(Message));
        var ids = events.Select(e => long.Parse(e.Id!)).ToList();
        Assert.Equal(ids.Order(), ids);
    }

    [Fact]
    public async Task A_line_written_before_a_reader_came_back_and_committed_after_it_read_the_oplog_still_reaches_it()
    {
        // A worker no reader watches: the server holds none of its lines.
        await talker.InvokeAsync("unwatched", "talk", "1", "0", "0");
        using var client = new Client.ClayClient(new Uri(talker.Server.Url), talker.Server.Token);
        var after = (await client.GetOplogAsync(TalkerServer.Component, "unwatched", query: "kind:log")).Entries[^1].Index;

        // It logs, then waits in memory (under the durable sleep threshold): the line is committed when the invocation ends.
        var invocation = talker.InvokeAsync("unwatched", "talk", "1", "0", "900");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await client.GetWorkerAsync(TalkerServer.Component, "unwatched")).Status != "Suspended")
        {
            Assert.True(DateTime.UtcNow < deadline, "the worker never waited");
            Assert.False(invocation.IsCompleted, "the invocation ended before it was seen waiting");
        }
        await using var stream = await SseStream.OpenAsync(talker.Http, talker.LogsPath("unwatched"), $"{after}");

        var line = (await stream.TakeAsync("log", 1)).Single(e => e.Name == "log");
        Assert.Equal("line 1", Message(line));
        Assert.True(long.Parse(line.Id!) > after);
        await invocation;
    }

    [Fact]
    public async Task A_line_whose_commit_comes_long_after_a_reader_came_back_still_reaches_it()
    {
        await talker.InvokeAsync("lingering", "talk", "1", "0", "0");
        using var client = new Client.ClayClient(new Uri(talker.Server.Url), talker.Server.Token);
        var after = (await client.GetOplogAsync(TalkerServer.Component, "lingering", query: "kind:log")).Entries[^1].Index;

        // It logs, then naps in memory for about 6 s: the line is committed only after the reader's first reads of the oplog.
        var invocation = talker.InvokeAsync("lingering", "linger", "7");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await client.GetWorkerAsync(TalkerServer.Component, "lingering")).Status != "Suspended")
        {
            Assert.True(DateTime.UtcNow < deadline, "the worker never waited");
            Assert.False(invocation.IsCompleted, "the invocation ended before it was seen waiting");
        }
        await using var stream = await SseStream.OpenAsync(talker.Http, talker.LogsPath("lingering"), $"{after}");

        var line = (await stream.TakeAsync("log", 1).WaitAsync(TimeSpan.FromSeconds(60))).Single(e => e.Name == "log");
        Assert.Equal("line 1", Message(line));
        Assert.True(long.Parse(line.Id!) > after);
        await invocation;
    }

    [Fact]
    public async Task After_a_restart_a_reader_resumes_from_the_oplog_without_duplicates_then_goes_on_live()
    {
        await talker.InvokeAsync("restarted", "talk", "4", "0", "0");
        string afterSecond;
        await using (var stream = await SseStream.OpenAsync(talker.Http, talker.LogsPath("restarted") + "?after=0"))
        {
            var lines = (await stream.TakeAsync("log", 4)).Where(e => e.Name == "log").ToList();
            Assert.Equal(["line 1", "line 2", "line 3", "line 4"], lines.Select(Message));
            afterSecond = lines[1].Id!;
        }

        Assert.Equal(0, await talker.Server.TerminateAsync());
        await talker.Server.StartAsync();

        await using var resumed = await SseStream.OpenAsync(talker.Http, talker.LogsPath("restarted"), afterSecond);
        var invocation = talker.InvokeAsync("restarted", "talk", "2", "0", "0");
        var events = (await resumed.TakeAsync("log", 4)).Where(e => e.Name == "log").ToList();
        await invocation;

        // Lines 3 and 4 of the first call from the oplog, then both lines of the second call, live.
        Assert.Equal(["line 3", "line 4", "line 1", "line 2"], events.Select(Message));
        var ids = events.Select(e => long.Parse(e.Id!)).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(4, ids.Distinct().Count());
    }

    [Fact]
    public async Task A_reader_that_does_not_keep_up_is_dropped_with_an_event_and_can_resume_without_loss()
    {
        const int Lines = 8000;
        await using (var slow = await SseStream.OpenAsync(talker.Http, talker.LogsPath("shouting")))
        {
            // Nothing is read while the worker writes 32 MiB of log lines, more than the sockets and the server buffer: the worker must not wait for this reader.
            await talker.InvokeAsync("shouting", "shout", $"{Lines}", "4096");

            var received = new List<SseEvent>();
            SseEvent? next;
            while ((next = await slow.NextAsync()) is not null) received.Add(next);

            var overflow = Assert.Single(received, e => e.Name == "overflow");
            Assert.Equal(received[^1], overflow);
            Assert.Contains("Last-Event-ID", JsonNode.Parse(overflow.Data)!["message"]!.GetValue<string>());
            var seen = received.Where(e => e.Name == "log").ToList();
            Assert.True(seen.Count < Lines, $"all {seen.Count} lines arrived; the reader was never too slow");

            await using var resumed = await SseStream.OpenAsync(talker.Http, talker.LogsPath("shouting"),
                seen.Count == 0 ? "0" : seen[^1].Id);
            var rest = (await resumed.TakeAsync("log", Lines - seen.Count)).Where(e => e.Name == "log").ToList();
            var all = seen.Concat(rest).Select(e => Message(e).Split(' ')[1]).ToList();
            Assert.Equal(Enumerable.Range(1, Lines).Select(i => i.ToString()), all);
        }
    }

    private static string Message(SseEvent e) => JsonNode.Parse(e.Data)!["message"]!.GetValue<string>();
}
