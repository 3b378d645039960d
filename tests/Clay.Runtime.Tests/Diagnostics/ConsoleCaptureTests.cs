using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;
using Clay.Runtime.Tests.Execution;
using Clay.TestComponents.Durability;
using static Clay.Runtime.Tests.Execution.CartValues;

namespace Clay.Runtime.Tests.Diagnostics;

/// <summary>
/// What worker code writes to <see cref="Console"/> becomes its log lines: attributed to the worker
/// that wrote it even when workers interleave, recorded once, and not written again on replay.
/// </summary>
public sealed class ConsoleCaptureTests
{
    [Fact]
    public async Task Console_output_becomes_log_lines_of_the_worker_with_stdout_and_stderr_contexts()
    {
        await using var fixture = new ExecutorFixture(typeof(Printer)) { CaptureConsole = true };
        var worker = ExecutorFixture.Worker(typeof(Printer), "alone");
        var (store, executor) = await fixture.StartAsync();

        await executor.InvokeAsync(worker, "print", [Str("p"), new Values.Value.U32(2)]);

        var logged = await LogsAsync(store, worker);
        Assert.Equal([("stdout", "p 1"), ("stdout", "p 2"), ("stderr", "p done"), ("stdout", "p tail")],
            logged.Select(l => (l.Entry.Context, l.Entry.Message)));
        Assert.Equal(logged.Select(l => (worker, l.Index, l.Entry.Message)), Sink(fixture));
        // The partial line is recorded before the invocation's end, so a replay meets it in its place.
        var ended = await IndexOfAsync(store, worker, OplogEntryKind.ExportedFunctionCompleted);
        Assert.True(logged[^1].Index < ended);
    }

    [Fact]
    public async Task Workers_writing_at_the_same_time_each_get_only_their_own_lines()
    {
        await using var fixture = new ExecutorFixture(typeof(Printer)) { CaptureConsole = true };
        var (store, executor) = await fixture.StartAsync();
        var workers = Enumerable.Range(0, 4).Select(i => ExecutorFixture.Worker(typeof(Printer), $"w{i}")).ToList();

        await Task.WhenAll(workers.Select(w => executor.InvokeAsync(w, "print", [Str(w.Worker), new Values.Value.U32(50)])));

        foreach (var worker in workers)
        {
            var lines = (await LogsAsync(store, worker)).Where(l => l.Entry.Context == "stdout").Select(l => l.Entry.Message).ToList();
            Assert.Equal(Enumerable.Range(1, 50).Select(i => $"{worker.Worker} {i}").Append($"{worker.Worker} tail"), lines);
        }
    }

    [Fact]
    public async Task A_replayed_worker_does_not_record_or_publish_its_console_output_again()
    {
        await using var fixture = new ExecutorFixture(typeof(Printer)) { CaptureConsole = true };
        var worker = ExecutorFixture.Worker(typeof(Printer), "replayed");
        var (store, executor) = await fixture.StartAsync();
        await executor.InvokeAsync(worker, "print", [Str("first"), new Values.Value.U32(3)]);
        await executor.InvokeAsync(worker, "print", [Str("second"), new Values.Value.U32(1)]);
        await fixture.StopAsync(store, executor);
        var before = Sink(fixture);

        // Snapshots are off: recovery runs both invocations again, and they print again.
        var (reopened, recovered) = await fixture.StartAsync();
        var result = await recovered.InvokeAsync(worker, "print", [Str("third"), new Values.Value.U32(1)]);

        Assert.Equal(new Values.Value.U64(3), result.Result);
        var messages = (await LogsAsync(reopened, worker)).Select(l => l.Entry.Message).ToList();
        Assert.Equal(["first 1", "first 2", "first 3", "first done", "first tail", "second 1", "second done", "second tail",
            "third 1", "third done", "third tail"], messages);
        // The sink got every line once, in order: the replayed ones were not handed to it again.
        Assert.Equal(8, before.Count);
        Assert.Equal(messages, Sink(fixture).Select(l => l.Message));
    }

    private static List<(WorkerId Worker, long Index, string Message)> Sink(ExecutorFixture fixture)
    {
        lock (fixture.Logs) return [.. fixture.Logs];
    }

    private static async Task<List<(long Index, OplogEntry.Log Entry)>> LogsAsync(IOplogStore store, WorkerId worker)
    {
        var logs = new List<(long, OplogEntry.Log)>();
        await foreach (var stored in store.ReadAsync(worker, 1))
        {
            if (OplogCodec.Decode(stored.Payload.Span) is OplogEntry.Log log) logs.Add((stored.Index, log));
        }
        return logs;
    }

    private static async Task<long> IndexOfAsync(IOplogStore store, WorkerId worker, OplogEntryKind kind)
    {
        await foreach (var stored in store.ReadAsync(worker, 1))
        {
            if (OplogCodec.Decode(stored.Payload.Span).Kind == kind) return stored.Index;
        }
        return -1;
    }
}
