using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Clay.Runtime;
using Clay.Runtime.Storage;
using Clay.Storage.Sqlite;
using Microsoft.Win32.SafeHandles;

namespace Clay.Benchmarks.Storage;

/// <summary>
/// An oplog store: append→durable latency of a lone writer next to the floor beneath it (a raw
/// fdatasync of a small write on the same disk for SQLite; a one-row autocommit INSERT for
/// PostgreSQL), and entries/s with 1, 10 and 1,000 concurrent appending workers.
/// </summary>
public sealed partial class StoreScenario : IScenario
{
    public string Name => "store";

    public string Description => "oplog store: lone-writer latency vs its floor; entries/s with 1, 10, 1000 writers (--seconds N --no-preallocate; --postgres [URL] [--connections N] for the PostgreSQL store)";

    public async Task<int> RunAsync(string[] args)
    {
        var seconds = Execution.ExecutorScenario.Arg(args, "--seconds", 3);
        if (args.Contains("--postgres")) return await RunPostgresAsync(args, TimeSpan.FromSeconds(seconds));
        var preallocate = !args.Contains("--no-preallocate");
        var dir = Path.Combine(Path.GetTempPath(), "clay-bench-store-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var payload = Payload();
            var raw = RawFdatasync(Path.Combine(dir, "raw.bin"), payload, samples: 300);

            await using var store = await SqliteOplogStore.OpenAsync(new SqliteStoreOptions { DatabasePath = Path.Combine(dir, "oplog.db"), PreallocateWal = preallocate });
            var run = await MeasureAsync(store, store.Statistics, payload, TimeSpan.FromSeconds(seconds));

            Console.WriteLine($"store: SQLite WAL, synchronous=FULL, group commit; 120-byte entries; WAL {(preallocate ? "laid out on open" : "growing from empty")}");
            Console.WriteLine($"  raw write+fdatasync      p50 {raw.P50:F3} ms  p99 {raw.P99:F3} ms");
            run.Print("raw p50", raw.P50, "SQLite insert + commit (fsync)", store.Statistics);
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                scenario = Name,
                store = "sqlite",
                preallocated_wal = preallocate,
                raw_fdatasync_p50_ms = Math.Round(raw.P50, 4), raw_fdatasync_p99_ms = Math.Round(raw.P99, 4),
                append_p50_ms = Math.Round(run.Lone.P50, 4), append_p99_ms = Math.Round(run.Lone.P99, 4),
                append_to_fdatasync_p50_ratio = Math.Round(run.Lone.P50 / raw.P50, 3),
                entries_per_second_1 = Math.Round(run.Throughput[1]), entries_per_second_10 = Math.Round(run.Throughput[10]),
                entries_per_second_1000 = Math.Round(run.Throughput[1000]),
            }));
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static byte[] Payload()
    {
        var payload = new byte[120];
        Random.Shared.NextBytes(payload);
        return payload;
    }

    /// <summary>The lone-writer latency and the throughput at 1, 10 and 1,000 writers of one store.</summary>
    internal static async Task<StoreRun> MeasureAsync(IOplogStore store, GroupCommitStatistics statistics, byte[] payload, TimeSpan duration)
    {
        var lone = await LoneWriterAsync(store, payload, samples: 300);
        var loneCommit = statistics.WriteTime.TotalMilliseconds / Math.Max(1, statistics.Commits);
        var throughput = new Dictionary<int, double>();
        foreach (var writers in new[] { 1, 10, 1000 }) throughput[writers] = await ThroughputAsync(store, payload, writers, duration);
        return new StoreRun(lone, loneCommit, throughput);
    }

    internal static (double P50, double P99) RawFdatasync(string path, byte[] payload, int samples)
    {
        var latencies = new double[samples];
        using var handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);
        long offset = 0;
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            RandomAccess.Write(handle, payload, offset);
            offset += payload.Length;
            Sync(handle);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        return Percentiles.MedianAnd99(latencies);
    }

    private static void Sync(SafeFileHandle handle)
    {
        if (OperatingSystem.IsLinux())
        {
            if (Fdatasync((int)handle.DangerousGetHandle()) != 0) throw new IOException($"fdatasync failed: errno {Marshal.GetLastPInvokeError()}");
        }
        else
        {
            RandomAccess.FlushToDisk(handle);
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int Fdatasync(int fd);

    private static async Task<(double P50, double P99)> LoneWriterAsync(IOplogStore store, byte[] payload, int samples)
    {
        var worker = new WorkerId("bench:store", "lone");
        var latencies = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await store.AppendAsync(worker, i + 1, [payload]);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        return Percentiles.MedianAnd99(latencies);
    }

    private static async Task<double> ThroughputAsync(IOplogStore store, byte[] payload, int writers, TimeSpan duration)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        long total = 0;
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
        {
            await Task.Yield();
            var worker = new WorkerId("bench:store", $"{run}-{w}");
            long index = 0;
            while (stop.Elapsed < duration)
            {
                await store.AppendAsync(worker, ++index, [payload]);
            }
            Interlocked.Add(ref total, index);
        }));
        return total / stop.Elapsed.TotalSeconds;
    }
}
