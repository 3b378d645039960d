using Clay.Runtime.History;
using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;
using Clay.Sdk;

namespace Clay.Runtime.Tests.Workers;

/// <summary>A worker's durable log lines, as a resumed log stream reads them, page by page.</summary>
public sealed class WorkerLogsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 0, 0, 0, TimeSpan.Zero);
    private static readonly WorkerId Worker = new("demo:talker", "t");

    [Fact]
    public async Task Only_log_entries_become_lines_and_pages_end_at_their_bound_then_at_the_oplog_end()
    {
        var store = new InMemoryOplogStore();
        var entries = new List<OplogEntry> { new OplogEntry.Create(At, 1, [], [], 10, 10) };
        for (var i = 0; i < 5; i++)
        {
            entries.Add(new OplogEntry.Log(At.AddSeconds(i), WorkerLogLevel.Warn, i % 2 == 0 ? "stdout" : "", $"line {i}"));
            entries.Add(new OplogEntry.Jump(At, 1, 1));
        }
        await store.AppendAsync(Worker, 1, [.. entries.Select(e => (ReadOnlyMemory<byte>)OplogCodec.Encode(e))]);

        var first = await WorkerLogs.ReadAsync(store, Worker, after: 0, count: 4);
        Assert.Equal([2L, 4L], first.Lines.Select(l => l.OplogIndex));
        Assert.Equal((4L, true), (first.Last, first.More));
        Assert.Equal(new WorkerLogLine(4, At.AddSeconds(1), WorkerLogLevel.Warn, "", "line 1"), first.Lines[1]);

        var rest = await WorkerLogs.ReadAsync(store, Worker, after: first.Last, count: 10);
        Assert.Equal(["line 2", "line 3", "line 4"], rest.Lines.Select(l => l.Message));
        Assert.Equal((11L, false), (rest.Last, rest.More));

        var none = await WorkerLogs.ReadAsync(store, Worker, after: 11, count: 10);
        Assert.Equal((0, 11L, false), (none.Lines.Count, none.Last, none.More));
    }

    [Fact]
    public async Task A_worker_not_created_yet_has_no_lines()
    {
        var page = await WorkerLogs.ReadAsync(new InMemoryOplogStore(), Worker, after: 0, count: 10);

        Assert.Equal((0, 0L, false), (page.Lines.Count, page.Last, page.More));
    }
}
