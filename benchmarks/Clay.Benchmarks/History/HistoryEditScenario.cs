using System.Diagnostics;
using System.Text.Json;
using Clay.Runtime;
using Clay.Runtime.Components;
using Clay.Runtime.Execution;
using Clay.Runtime.History;
using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Types;
using Clay.Runtime.Values;
using Clay.Storage.Sqlite;
using Cart;

namespace Clay.Benchmarks.History;

/// <summary>
/// Revert and fork of a worker with a long oplog on a real SQLite database. The oplog (a cart's
/// create entry, then <c>get-cart-contents</c> invocations, two entries each) is written straight to
/// the store, so building it costs one append; each operation then reads the whole oplog, writes, and
/// rebuilds the worker by replaying what it keeps. A plain reopen of the same worker (after one to warm up) is
/// timed in the same run, as the yardstick.
/// </summary>
public sealed class HistoryEditScenario : IScenario
{
    public string Name => "history";

    public string Description => "revert and fork of a 100,000-entry worker, against a reopen of it (--entries N)";

    public async Task<int> RunAsync(string[] args)
    {
        var entries = args.Length >= 2 && args[0] == "--entries" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        var dir = Path.Combine(Path.GetTempPath(), "clay-bench-history-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            await using var store = await SqliteOplogStore.OpenAsync(new SqliteStoreOptions { DatabasePath = Path.Combine(dir, "oplog.db") });
            var catalog = new InMemoryComponentCatalog();
            var cart = catalog.Add("bench:cart", ComponentModel.FromType(typeof(ShoppingCart)));
            var source = new WorkerId("bench:cart", "long");
            await store.AppendAsync(source, 1, Oplog(entries, cart.Version));
            var options = new WorkerExecutorOptions { SnapshotEvery = 0 };

            async Task ReopenAsync()
            {
                await using var executor = new Executor(store, catalog, options);
                await executor.GetAsync(source, null);
            }
            await ReopenAsync(); // warm-up: JIT and page cache
            var reopen = await TimeAsync(ReopenAsync);
            TimeSpan revert, fork;
            await using (var executor = new Executor(store, catalog, options))
            {
                revert = await TimeAsync(() => executor.RevertAsync(source, RevertTarget.Invocations(1)));
                fork = await TimeAsync(() => executor.ForkAsync(source, new WorkerId("bench:cart", "fork"), entries / 2));
            }
            Console.WriteLine($"history: a worker of {entries:N0} oplog entries ({(entries - 1) / 2:N0} invocations), SQLite");
            Console.WriteLine($"  reopen (replay of all):             {reopen.TotalMilliseconds,8:F0} ms");
            Console.WriteLine($"  revert of the last invocation:      {revert.TotalMilliseconds,8:F0} ms ({revert / reopen:F2} × reopen)");
            Console.WriteLine($"  fork at entry {entries / 2:N0}:             {fork.TotalMilliseconds,8:F0} ms ({fork / reopen:F2} × reopen)");
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                scenario = Name, entries,
                reopen_ms = Math.Round(reopen.TotalMilliseconds),
                revert_ms = Math.Round(revert.TotalMilliseconds),
                fork_ms = Math.Round(fork.TotalMilliseconds),
                revert_to_reopen = Math.Round(revert / reopen, 2),
                fork_to_reopen = Math.Round(fork / reopen, 2),
            }));
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A create entry, then invocations of <c>get-cart-contents</c> with their (empty) results: <paramref name="count"/> entries.</summary>
    private static List<ReadOnlyMemory<byte>> Oplog(int count, long version)
    {
        var at = DateTimeOffset.UtcNow;
        var oplog = new List<ReadOnlyMemory<byte>>(count) { OplogCodec.Encode(new OplogEntry.Create(at, version, EquatableArray<string>.Empty, EquatableArray<KeyValuePair<string, string>>.Empty, 0, 0)) };
        for (var i = 0; oplog.Count + 2 <= count; i++)
        {
            oplog.Add(OplogCodec.Encode(new OplogEntry.ExportedFunctionInvoked(at, "get-cart-contents", Array.Empty<Value>(), $"k{i}")));
            oplog.Add(OplogCodec.Encode(new OplogEntry.ExportedFunctionCompleted(at, new Value.List(Array.Empty<Value>()))));
        }
        return oplog;
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> action)
    {
        var started = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(started);
    }
}
