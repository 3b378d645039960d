using System.Diagnostics;
using System.Text.Json;
using Clay.Runtime;
using Clay.Runtime.Components;
using Clay.Runtime.Execution;
using Clay.Runtime.Oplog;
using Clay.Runtime.Values;
using Clay.Storage.Sqlite;
using Clay.TestComponents.Durability;

namespace Clay.Benchmarks.Updates;

/// <summary>
/// Updates of many idle workers on a real SQLite database, in process: workers of a ledger (version 0)
/// each record a few lines, then all are updated to a compatible version 1 automatically (a replay of
/// each history on the new code), then all to version 2 manually (the state through the snapshot
/// hooks). Sixteen updates run at a time, as <c>clay app deploy --update-workers</c> sends them.
/// </summary>
public sealed class UpdateScenario : IScenario
{
    public string Name => "updates";

    public string Description => "update 10,000 idle workers to a new version, auto then manual (--workers N --lines N)";

    public async Task<int> RunAsync(string[] args)
    {
        var workers = Option(args, "--workers", 10_000);
        var lines = Option(args, "--lines", 3);
        var dir = Path.Combine(Path.GetTempPath(), "clay-bench-updates-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            await using var store = await SqliteOplogStore.OpenAsync(new SqliteStoreOptions { DatabasePath = Path.Combine(dir, "oplog.db") });
            var catalog = new InMemoryComponentCatalog();
            catalog.Add("bench:ledger", ComponentModel.FromType(typeof(LedgerV1)));
            await using var executor = new Executor(store, catalog, new WorkerExecutorOptions { SnapshotEvery = 0 });
            var ids = Enumerable.Range(0, workers).Select(i => new WorkerId("bench:ledger", $"w{i}")).ToArray();
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = 16 };
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (id, _) =>
            {
                for (var l = 0; l < lines; l++) await executor.InvokeAsync(id, "record", [new Value.String($"line {l}")]);
            });
            catalog.Add("bench:ledger", ComponentModel.FromType(typeof(LedgerV2)));
            catalog.Add("bench:ledger", ComponentModel.FromType(typeof(LedgerV3)));

            var failed = 0;
            async Task<TimeSpan> UpdateAllAsync(long version, UpdateMode mode)
            {
                var started = Stopwatch.GetTimestamp();
                await Parallel.ForEachAsync(ids, parallel, async (id, _) =>
                {
                    try { await executor.UpdateAsync(id, version, mode); }
                    catch (Runtime.Errors.ClayException) { Interlocked.Increment(ref failed); }
                });
                return Stopwatch.GetElapsedTime(started);
            }
            var auto = await UpdateAllAsync(1, UpdateMode.Automatic);
            var manual = await UpdateAllAsync(2, UpdateMode.Manual);
            // Every worker kept its lines.
            var intact = 0;
            await Parallel.ForEachAsync(ids, parallel, async (id, _) =>
            {
                if ((await executor.InvokeAsync(id, "lines", [])).Result is Value.List { Items.Count: var n } && n == lines) Interlocked.Increment(ref intact);
            });

            Console.WriteLine($"updates: {workers:N0} idle workers of {lines} recorded lines each, SQLite, 16 at a time");
            Console.WriteLine($"  auto (replay on version 1):     {auto.TotalSeconds,7:F2} s  {workers / auto.TotalSeconds,8:N0} workers/s");
            Console.WriteLine($"  manual (snapshot to version 2): {manual.TotalSeconds,7:F2} s  {workers / manual.TotalSeconds,8:N0} workers/s");
            Console.WriteLine($"  failed: {failed}, intact afterwards: {intact:N0}/{workers:N0}");
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                scenario = Name, workers, lines,
                auto_s = Math.Round(auto.TotalSeconds, 2),
                manual_s = Math.Round(manual.TotalSeconds, 2),
                auto_per_s = Math.Round(workers / auto.TotalSeconds),
                manual_per_s = Math.Round(workers / manual.TotalSeconds),
                failed, intact,
            }));
            return failed == 0 && intact == workers ? 0 : 1;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}
