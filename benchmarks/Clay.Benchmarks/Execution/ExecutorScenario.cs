using System.Diagnostics;
using System.Text.Json;
using Clay.Runtime;
using Clay.Runtime.Components;
using Clay.Runtime.Execution;
using Clay.Runtime.Values;
using Clay.Storage.Sqlite;
using Cart;

namespace Clay.Benchmarks.Execution;

/// <summary>
/// In-process durable invocations of the cart's <c>add-item</c> across many workers on a real
/// SQLite database: every invocation is committed (fsynced, group commit) before it returns.
/// </summary>
public sealed class ExecutorScenario : IScenario
{
    public string Name => "executor";

    public string Description => "durable add-item invocations/s across 1,000 workers (--workers N --invocations N --clients N)";

    public async Task<int> RunAsync(string[] args)
    {
        var workers = Arg(args, "--workers", 1000);
        var invocations = Arg(args, "--invocations", 200_000);
        var clients = Arg(args, "--clients", 1000);
        var dir = Path.Combine(Path.GetTempPath(), "clay-bench-executor-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            await using var store = await SqliteOplogStore.OpenAsync(new SqliteStoreOptions { DatabasePath = Path.Combine(dir, "oplog.db") });
            var catalog = new InMemoryComponentCatalog();
            catalog.Add("bench:cart", ComponentModel.FromType(typeof(ShoppingCart)));
            await using var executor = new Executor(store, catalog, new WorkerExecutorOptions());
            var ids = Enumerable.Range(0, workers).Select(i => new WorkerId("bench:cart", $"w{i}")).ToArray();

            var warmup = Stopwatch.StartNew();
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 64 },
                async (id, _) => await executor.InvokeAsync(id, "initialize-cart", [new Value.String("user")]));
            warmup.Stop();

            var latencies = new double[invocations];
            var next = -1;
            var run = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
            {
                await Task.Yield();
                int i;
                while ((i = Interlocked.Increment(ref next)) < invocations)
                {
                    var started = Stopwatch.GetTimestamp();
                    await executor.InvokeAsync(ids[i % workers], "add-item", [Item(i)]);
                    latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            }));
            run.Stop();
            Array.Sort(latencies);
            var perSecond = invocations / run.Elapsed.TotalSeconds;
            Console.WriteLine($"executor: {workers} workers, {clients} concurrent clients, {invocations} durable add-item invocations");
            Console.WriteLine($"  create + initialize-cart: {warmup.Elapsed.TotalSeconds:F2} s ({workers / warmup.Elapsed.TotalSeconds:F0}/s)");
            Console.WriteLine($"  add-item: {run.Elapsed.TotalSeconds:F2} s = {perSecond:F0} invocations/s (target >= 20,000/s)");
            Console.WriteLine($"  latency p50 {Percentiles.Of(latencies, 50):F2} ms, p99 {Percentiles.Of(latencies, 99):F2} ms");
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                scenario = Name, workers, clients, invocations,
                invocations_per_second = Math.Round(perSecond),
                p50_ms = Math.Round(Percentiles.Of(latencies, 50), 3),
                p99_ms = Math.Round(Percentiles.Of(latencies, 99), 3),
            }));
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Value Item(int i) => new Value.Record(new RecordField[]
    {
        new("product-id", new Value.String($"p{i}")),
        new("name", new Value.String("Example product")),
        new("price", new Value.F32(1000f)),
        new("quantity", new Value.U32(2)),
    });

    internal static int Arg(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1]) : fallback;
    }
}
