using System.Diagnostics;
using System.Text.Json;
using Clay.Runtime;
using Clay.Runtime.Execution;
using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;
using Clay.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Clay.Benchmarks.Durable;

/// <summary>
/// Start-up with many workers on disk: how long clay-server takes to serve with an empty store, with
/// a million idle workers, and with ten thousand workers whose invocation was in flight — and how
/// long until those ten thousand have finished, with no client call. The workers are written
/// straight into the store (copies of a real worker's entries) while the server is down.
/// </summary>
public sealed class StartupScenario : IScenario
{
    private const string Component = "sleeper";

    public string Name => "startup";

    public string Description => "start-up time with 1,000,000 idle workers and with 10,000 in-flight invocations, and time until those finish (--idle N, --pending N)";

    public async Task<int> RunAsync(string[] args)
    {
        var idle = Execution.ExecutorScenario.Arg(args, "--idle", 1_000_000);
        var pending = Execution.ExecutorScenario.Arg(args, "--pending", 10_000);
        var root = Path.Combine(Path.GetTempPath(), "clay-bench-startup-" + Guid.NewGuid().ToString("N"));
        var data = Path.Combine(root, "data");
        var figures = new Dictionary<string, object> { ["scenario"] = Name, ["idle_workers"] = idle, ["pending_workers"] = pending };
        try
        {
            // A real worker's entries: its create entry, and the start of an invocation of nap(10).
            byte[] create, invoked;
            await using (var first = await ServerRun.StartAsync(data))
            {
                await first.DeploySleeperAsync(Component);
                await first.InvokeAsync(Component, "template", "nap", "await", "10");
            }
            await using (var store = await OpenStoreAsync(data))
            {
                var entries = new List<byte[]>();
                await foreach (var e in store.ReadAsync(new WorkerId(Component, "template"), 1)) entries.Add(e.Payload.ToArray());
                create = entries[0];
                invoked = entries.First(e => OplogCodec.PeekKind(e) == OplogEntryKind.ExportedFunctionInvoked);
            }

            Console.WriteLine($"startup: clay-server from process start to ready, then to its first answer (median of 3 starts each)");
            await MeasureStartAsync(data, "empty", figures);

            var filling = Stopwatch.GetTimestamp();
            await using (var store = await OpenStoreAsync(data))
            {
                await WriteAsync(store, idle, i => new WorkerId(Component, $"idle{i:D7}"), [create], null);
            }
            Console.WriteLine($"  ({idle:N0} idle workers written in {Stopwatch.GetElapsedTime(filling).TotalSeconds:F0} s)");
            await MeasureStartAsync(data, "idle", figures);

            await using (var store = await OpenStoreAsync(data))
            {
                await WriteAsync(store, pending, i => new WorkerId(Component, $"pending{i:D5}"), [create, invoked],
                    new WorkerMark(WorkerStatus.Running, HasPendingWork: true));
            }
            await using (var server = await ServerRun.StartAsync(data))
            {
                var ready = server.Ready.TotalMilliseconds;
                long left;
                while ((left = await CountMarkedAsync(data)) > 0) await Task.Delay(20);
                var finished = Stopwatch.GetElapsedTime(server.Started).TotalMilliseconds;
                figures["pending_ready_ms"] = Math.Round(ready);
                figures["pending_all_finished_ms"] = Math.Round(finished);
                figures["pending_peak_rss_mb"] = server.PeakRss >> 20;
                Console.WriteLine($"  {pending,9:N0} in flight (+{idle:N0} idle): ready {ready,7:F0} ms; all {pending:N0} finished {finished,7:F0} ms after the start "
                    + $"({pending / ((finished - ready) / 1000):N0} invocations/s recovered), peak RSS {server.PeakRss >> 20} MiB");
                var sample = await server.InvokeAsync(Component, "pending00000", "last-nap", "await");
                if (sample is null || sample.StartsWith("[0,", StringComparison.Ordinal)) throw new InvalidOperationException($"pending00000's nap did not finish: {sample}");
            }
            Console.WriteLine(JsonSerializer.Serialize(figures));
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Three starts: to ready, and to the first invocation of an idle worker answered.</summary>
    private static async Task MeasureStartAsync(string data, string label, Dictionary<string, object> figures)
    {
        var ready = new double[3];
        var served = new double[3];
        for (var i = 0; i < ready.Length; i++)
        {
            await using var server = await ServerRun.StartAsync(data);
            ready[i] = server.Ready.TotalMilliseconds;
            await server.InvokeAsync(Component, "template", "last-nap", "await");
            served[i] = Stopwatch.GetElapsedTime(server.Started).TotalMilliseconds;
        }
        Array.Sort(ready);
        Array.Sort(served);
        figures[$"{label}_ready_ms"] = Math.Round(ready[1]);
        figures[$"{label}_first_answer_ms"] = Math.Round(served[1]);
        Console.WriteLine($"  {label,-9} store: ready {ready[1],7:F0} ms, first answer {served[1],7:F0} ms");
    }

    private static Task<SqliteOplogStore> OpenStoreAsync(string data) =>
        SqliteOplogStore.OpenAsync(new SqliteStoreOptions { DatabasePath = Path.Combine(data, "oplog.db") });

    private static async Task WriteAsync(IOplogStore store, int count, Func<int, WorkerId> id, byte[][] entries, WorkerMark? mark)
    {
        var payloads = entries.Select(e => (ReadOnlyMemory<byte>)e).ToArray();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 512 },
            async (i, ct) => await store.AppendAsync(id(i), 1, payloads, mark, ct));
    }

    /// <summary>Workers whose mark still says pending work or a wake-up, read beside the running server.</summary>
    internal static async Task<long> CountMarkedAsync(string data)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "oplog.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM marks WHERE pending = 1 OR wake_at IS NOT NULL";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
