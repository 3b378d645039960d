using System.Diagnostics;
using System.Text.Json;
using Clay.Runtime;
using Clay.Runtime.History;
using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Storage;
using Clay.Runtime.Types;
using Clay.Runtime.Values;
using Clay.Runtime.Workers;
using Clay.Storage.Sqlite;

namespace Clay.Benchmarks.History;

/// <summary>
/// What <c>worker get</c> reads of a worker out of memory with a long oplog, on a real SQLite database:
/// its record (create entry, memory figures) and its update history. Three workers of the same length
/// are compared in one run: one whose snapshots (every 1,000 entries) say where its update history begins,
/// one whose snapshots are of the older format that does not say, and one without snapshots.
/// </summary>
public sealed class WorkerGetScenario : IScenario
{
    private const int SnapshotEvery = 1000;

    public string Name => "worker-get";

    public string Description => "worker get of an out-of-memory worker with a 100,000-entry oplog: snapshots that name its update history, older ones, none (--entries N)";

    public async Task<int> RunAsync(string[] args)
    {
        var entries = args.Length >= 2 && args[0] == "--entries" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        var dir = Path.Combine(Path.GetTempPath(), "clay-bench-worker-get-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            await using var store = await SqliteOplogStore.OpenAsync(new SqliteStoreOptions { DatabasePath = Path.Combine(dir, "oplog.db") });
            var workers = new (string Name, long? UpdatesFrom)[] { ("recorded", 0), ("older", -1), ("none", null) };
            foreach (var (name, updatesFrom) in workers) await store.AppendAsync(new WorkerId("bench:cart", name), 1, Oplog(entries, updatesFrom));

            var timings = new Dictionary<string, TimeSpan>();
            foreach (var (name, _) in workers)
            {
                var id = new WorkerId("bench:cart", name);
                await GetAsync(store, id); // warm-up: JIT and page cache
                const int rounds = 5;
                var started = Stopwatch.GetTimestamp();
                for (var i = 0; i < rounds; i++) await GetAsync(store, id);
                timings[name] = Stopwatch.GetElapsedTime(started) / rounds;
            }
            Console.WriteLine($"worker-get: a worker of {entries:N0} oplog entries out of memory, SQLite; record + update history, mean of 5");
            Console.WriteLine($"  snapshots that name the update history: {timings["recorded"].TotalMilliseconds,9:F2} ms");
            Console.WriteLine($"  older snapshots (not named):            {timings["older"].TotalMilliseconds,9:F2} ms ({timings["older"] / timings["recorded"]:F0} ×)");
            Console.WriteLine($"  no snapshots:                           {timings["none"].TotalMilliseconds,9:F2} ms ({timings["none"] / timings["recorded"]:F0} ×)");
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                scenario = Name, entries,
                recorded_ms = Math.Round(timings["recorded"].TotalMilliseconds, 2),
                older_ms = Math.Round(timings["older"].TotalMilliseconds, 2),
                none_ms = Math.Round(timings["none"].TotalMilliseconds, 2),
                older_to_recorded = Math.Round(timings["older"] / timings["recorded"], 1),
            }));
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>What the REST endpoint of <c>worker get</c> reads for a worker that is not in memory.</summary>
    private static async Task GetAsync(IOplogStore store, WorkerId id)
    {
        var info = await WorkerRecords.ReadAsync(store, id, null, withMemory: true, CancellationToken.None);
        var updates = await WorkerUpdates.ReadAsync(store, id, cancellationToken: CancellationToken.None);
        if (info.MemoryNow == 0 || updates.Count != 0) throw new InvalidOperationException($"{id}: unexpected record");
    }

    /// <summary>
    /// A create entry, a first grow-memory entry, then invocations of <c>get-cart-contents</c> with their results,
    /// and a snapshot every 1,000 entries unless <paramref name="updatesFrom"/> is null: <paramref name="count"/> entries.
    /// </summary>
    private static List<ReadOnlyMemory<byte>> Oplog(int count, long? updatesFrom)
    {
        var at = DateTimeOffset.UtcNow;
        var oplog = new List<ReadOnlyMemory<byte>>(count)
        {
            OplogCodec.Encode(new OplogEntry.Create(at, 0, EquatableArray<string>.Empty, EquatableArray<KeyValuePair<string, string>>.Empty, 0, 0)),
            OplogCodec.Encode(new OplogEntry.GrowMemory(at, 2048, 2048)),
        };
        for (var i = 0; oplog.Count < count; i++)
        {
            oplog.Add(OplogCodec.Encode(new OplogEntry.ExportedFunctionInvoked(at, "get-cart-contents", Array.Empty<Value>(), $"k{i}")));
            oplog.Add(OplogCodec.Encode(new OplogEntry.ExportedFunctionCompleted(at, new Value.List(Array.Empty<Value>()))));
            if (updatesFrom is { } from && oplog.Count % SnapshotEvery < 2)
            {
                oplog.Add(OplogCodec.Encode(new OplogEntry.Snapshot(at, "fields-json/1", new Bytes("{\"items\":[]}"u8.ToArray()), 0, 2048, null, 0, from)));
            }
        }
        return oplog;
    }
}
