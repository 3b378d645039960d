using System.Net;
using System.Text;
using Clay.Client;
using Clay.Client.Logs;
using Microsoft.Extensions.Time.Testing;

namespace Clay.EndToEnd.Tests.Cli;

/// <summary>
/// The client side of a worker's live log stream, against scripted connections: the event parser,
/// the cursor that keeps a line from being shown twice, and what happens when a connection ends.
/// </summary>
public sealed class LogStreamClientTests
{
    [Fact]
    public void The_parser_joins_data_lines_skips_comments_and_ends_events_at_blank_lines()
    {
        var parser = new ServerSentEventParser();
        var events = new List<ServerSentEvent>();
        foreach (var line in new[] { "retry: 2000", "", ": keep-alive", "", "id: 7", "event: log", "data: {\"a\":", "data:1}", "", "data: plain", "" })
        {
            if (parser.Feed(line) is { } e) events.Add(e);
        }

        Assert.Equal([new ServerSentEvent("7", "log", "{\"a\":\n1}"), new ServerSentEvent(null, "message", "plain")], events);
    }

    [Fact]
    public void The_cursor_accepts_only_lines_after_it()
    {
        var cursor = new LogCursor(4);
        Assert.False(cursor.Accept(4));
        Assert.True(cursor.Accept(6));
        Assert.False(cursor.Accept(5));
        Assert.False(cursor.Accept(6));
        Assert.True(cursor.Accept(9));
        Assert.Equal(9, cursor.Position);
        Assert.True(new LogCursor(null).Accept(1));
    }

    [Fact]
    public async Task A_dropped_connection_resumes_after_the_last_line_and_repeats_none()
    {
        var server = new ScriptedServer(
            _ => Events(5, 6, 7),
            // A server that resends lines the reader has (a replayed worker's, say): they are dropped.
            _ => Events(6, 7, 8, 9) + ": keep-alive\n\n");
        await using var stream = server.Open(after: 4);

        var seen = await ReadAsync(stream, 7);

        Assert.Equal(["line 5", "line 6", "line 7", "disconnected after 7", "reconnected after 7", "line 8", "line 9"], seen);
        Assert.Equal([4L, 7L], server.Cursors);
    }

    [Fact]
    public async Task An_overflowed_reader_reconnects_at_once_from_its_cursor_without_reporting_a_loss()
    {
        var server = new ScriptedServer(
            _ => Events(1, 2) + "event: overflow\ndata: {\"after\":2,\"message\":\"dropped\"}\n\n",
            _ => Events(3));
        await using var stream = server.Open(after: 0);

        Assert.Equal(["line 1", "line 2", "line 3"], await ReadAsync(stream, 3));
        Assert.Equal([0L, 2L], server.Cursors);
    }

    [Fact]
    public async Task A_gap_is_reported_and_does_not_move_the_cursor()
    {
        var server = new ScriptedServer(_ => "event: gap\ndata: {\"after\":3,\"through\":5,\"message\":\"not durable yet\"}\n\n" + Events(6));
        await using var stream = server.Open(after: 3);

        var gap = Assert.IsType<WorkerLogEvent.Gap>(await stream.ReadAsync());
        Assert.Equal((3L, 5L), (gap.Value.After, gap.Value.Through));
        Assert.Equal(3, stream.Position);
        Assert.Equal(6, Assert.IsType<WorkerLogEvent.Line>(await stream.ReadAsync()).Value.Index);
    }

    [Fact]
    public async Task A_server_that_stays_away_ends_the_stream_with_stream_lost_naming_the_last_line()
    {
        var time = new FakeTimeProvider();
        var server = new ScriptedServer(_ => Events(5)) { Time = time };
        server.AfterScript = () =>
        {
            // Each failed attempt takes a second of (fake) time.
            time.Advance(TimeSpan.FromSeconds(1));
            throw new ClayApiException(ClientErrorCodes.ServerUnreachable, "connection refused");
        };
        await using var stream = server.Open(after: 4, reconnectTimeout: TimeSpan.FromSeconds(5));

        Assert.IsType<WorkerLogEvent.Line>(await stream.ReadAsync());
        Assert.IsType<WorkerLogEvent.Disconnected>(await stream.ReadAsync());
        var lost = await Assert.ThrowsAsync<ClayApiException>(async () => await stream.ReadAsync());

        Assert.Equal(ClientErrorCodes.StreamLost, lost.Code);
        Assert.Contains("--after 5", lost.Message);
        Assert.InRange(server.Cursors.Count, 6, 8);
    }

    [Fact]
    public async Task A_server_that_answers_it_is_stopping_is_retried_until_it_is_back()
    {
        var server = new ScriptedServer(
            _ => Events(1),
            _ => throw new ClayApiException("cancelled", "the server is stopping; retry once it is back", 503),
            _ => Events(2));
        await using var stream = server.Open(after: 0);

        Assert.Equal(["line 1", "disconnected after 1", "reconnected after 1", "line 2"], await ReadAsync(stream, 4));
        Assert.Equal(3, server.Cursors.Count);
    }

    [Fact]
    public async Task An_error_that_is_not_about_reaching_the_server_is_not_retried()
    {
        var server = new ScriptedServer(_ => Events(1));
        server.AfterScript = () => throw new ClayApiException("worker-not-found", "worker c/w not found", 404);
        await using var stream = server.Open(after: 0);

        await stream.ReadAsync();
        await stream.ReadAsync();
        var error = await Assert.ThrowsAsync<ClayApiException>(async () => await stream.ReadAsync());

        Assert.Equal("worker-not-found", error.Code);
        Assert.Equal(2, server.Cursors.Count);
    }

    private static string Events(params long[] indexes) => string.Concat(indexes.Select(i =>
        $"id: {i}\nevent: log\ndata: {{\"index\":{i},\"timestamp\":\"2026-12-01T10:00:00Z\",\"level\":\"info\",\"context\":\"\",\"message\":\"line {i}\"}}\n\n"));

    private static async Task<List<string>> ReadAsync(WorkerLogStream stream, int count)
    {
        var seen = new List<string>();
        while (seen.Count < count)
        {
            seen.Add(await stream.ReadAsync() switch
            {
                WorkerLogEvent.Line line => line.Value.Message,
                WorkerLogEvent.Disconnected lost => $"disconnected after {lost.After}",
                WorkerLogEvent.Reconnected back => $"reconnected after {back.After}",
                var other => other.ToString(),
            });
        }
        return seen;
    }

    /// <summary>Answers each connection with the next script (the whole body, then the end of the connection).</summary>
    private sealed class ScriptedServer(params Func<long?, string>[] scripts)
    {
        public List<long?> Cursors { get; } = [];

        public TimeProvider Time { get; init; } = TimeProvider.System;

        public Action AfterScript { get; set; } = () => throw new ClayApiException(ClientErrorCodes.ServerUnreachable, "no more scripts");

        public WorkerLogStream Open(long? after, TimeSpan? reconnectTimeout = null)
        {
            var options = new LogStreamOptions { FirstRetryDelay = TimeSpan.Zero, ReconnectTimeout = reconnectTimeout ?? TimeSpan.FromSeconds(60) };
            var stream = new WorkerLogStream(ConnectAsync, after, options, Time, "test:c/w");
            stream.ConnectAsync(CancellationToken.None).GetAwaiter().GetResult();
            return stream;
        }

        private Task<HttpResponseMessage> ConnectAsync(long? cursor, CancellationToken ct)
        {
            Cursors.Add(cursor);
            if (Cursors.Count > scripts.Length) AfterScript();
            var body = scripts[Cursors.Count - 1](cursor);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "text/event-stream") });
        }
    }
}
