using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Clay.Benchmarks.Durable;

/// <summary>
/// Timer accuracy: many workers each sleep durably for a random time under a memory budget far too
/// small to hold them all, so most are evicted while asleep and each is woken by the server's clock.
/// Lateness is the time from a sleeper's due time to its code running again (both read by the worker
/// itself and recorded in its oplog).
/// </summary>
public sealed class WakeUpScenario : IScenario
{
    private const string Component = "sleeper";

    public string Name => "wake-up";

    public string Description => "wake-up lateness p50/p99 of 100,000 durable sleepers of random durations under a 256 MiB budget (--sleepers N, --budget SIZE, --spread SECONDS)";

    public async Task<int> RunAsync(string[] args)
    {
        var sleepers = Execution.ExecutorScenario.Arg(args, "--sleepers", 100_000);
        var spread = Execution.ExecutorScenario.Arg(args, "--spread", 60);
        var budget = args.SkipWhile(a => a != "--budget").Skip(1).FirstOrDefault() ?? "256MiB";
        var root = Path.Combine(Path.GetTempPath(), "clay-bench-wakeup-" + Guid.NewGuid().ToString("N"));
        var data = Path.Combine(root, "data");
        try
        {
            await using var server = await ServerRun.StartAsync(data, "--memory-budget", budget);
            await server.DeploySleeperAsync(Component);
            var random = new Random(sleepers);
            // Each sleeper naps for `lead` plus a random part of the spread from when it is sent: sending
            // 100,000 new workers takes longer than any fixed lead, so early sleepers wake while later
            // ones are still being sent, as they would on a live server.
            var lead = TimeSpan.FromSeconds(20);
            var naps = Enumerable.Range(0, sleepers).Select(_ => (long)(lead.TotalMilliseconds + random.Next(spread * 1000))).ToArray();
            var sending = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(Enumerable.Range(0, sleepers), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
                await server.InvokeAsync(Component, $"s{i:D6}", "nap", "enqueue", $"{naps[i]}"));
            var sent = Stopwatch.GetElapsedTime(sending);
            var lastDue = DateTimeOffset.UtcNow + lead + TimeSpan.FromSeconds(spread);
            var residentWhileAsleep = await ResidentAsync(server);

            long left;
            var peakResident = residentWhileAsleep;
            while ((left = await CountMarkedAsync(data)) > 0)
            {
                await Task.Delay(500);
                peakResident = Math.Max(peakResident, await ResidentAsync(server));
            }
            var allAwake = DateTimeOffset.UtcNow;
            var evictions = await MetricAsync(server, "clay_worker_evictions_total");

            // Each nap answers with its own lateness (woke − due, both read by the worker): read the
            // answers from the oplogs rather than by calling 100,000 evicted workers back into memory.
            var lateness = await RecordedLatenessAsync(data);
            if (lateness.Length != sleepers) Console.Error.WriteLine($"warning: {lateness.Length:N0} of {sleepers:N0} naps have an answer");
            Array.Sort(lateness);
            var figures = new Dictionary<string, object>
            {
                ["scenario"] = Name, ["sleepers"] = sleepers, ["budget"] = budget, ["spread_s"] = spread,
                ["send_per_s"] = Math.Round(sleepers / sent.TotalSeconds),
                ["lateness_p50_ms"] = Percentiles.Of(lateness, 50), ["lateness_p99_ms"] = Percentiles.Of(lateness, 99),
                ["lateness_p999_ms"] = Percentiles.Of(lateness, 99.9), ["lateness_max_ms"] = lateness[^1], ["early"] = lateness.Count(l => l < 0),
                ["evictions"] = evictions, ["resident_peak"] = peakResident, ["peak_rss_mb"] = server.PeakRss >> 20,
                ["last_woke_after_last_due_ms"] = Math.Round((allAwake - lastDue).TotalMilliseconds),
            };
            Console.WriteLine($"wake-up: {sleepers:N0} sleepers, due over {spread} s, budget {budget}");
            Console.WriteLine($"  sent in {sent.TotalSeconds:F1} s ({sleepers / sent.TotalSeconds:N0}/s); resident while asleep {residentWhileAsleep:N0}, at most {peakResident:N0}; {evictions:N0} evictions");
            Console.WriteLine($"  lateness p50 {Percentiles.Of(lateness, 50):F0} ms, p99 {Percentiles.Of(lateness, 99):F0} ms, p99.9 {Percentiles.Of(lateness, 99.9):F0} ms, max {lateness[^1]:F0} ms; {lateness.Count(l => l < 0)} early");
            Console.WriteLine($"  peak RSS {server.PeakRss >> 20} MiB");
            Console.WriteLine(JsonSerializer.Serialize(figures));
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<long> ResidentAsync(ServerRun server) => (long)await MetricAsync(server, "clay_workers_resident");

    private static async Task<double> MetricAsync(ServerRun server, string name)
    {
        var text = await server.Http.GetStringAsync("/metrics");
        var match = System.Text.RegularExpressions.Regex.Match(text, $@"(?m)^{name}(\{{[^}}]*\}})? ([0-9.eE+-]+)");
        return match.Success ? double.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : double.NaN;
    }

    /// <summary>The answers of the sleepers' completed naps, sorted: each one's lateness in milliseconds.</summary>
    private static async Task<double[]> RecordedLatenessAsync(string data)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "oplog.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT e.payload FROM entries e JOIN workers w ON w.id = e.worker WHERE w.component = '{Component}'";
        await using var reader = await command.ExecuteReaderAsync();
        var lateness = new List<double>();
        while (await reader.ReadAsync())
        {
            var payload = (byte[])reader.GetValue(0);
            if (Clay.Runtime.Oplog.Codec.OplogCodec.PeekKind(payload) != Clay.Runtime.Oplog.OplogEntryKind.ExportedFunctionCompleted) continue;
            if (Clay.Runtime.Oplog.Codec.OplogCodec.Decode(payload) is Clay.Runtime.Oplog.OplogEntry.ExportedFunctionCompleted { Result: Clay.Runtime.Values.Value.S64 late })
            {
                lateness.Add(late.V);
            }
        }
        var sorted = lateness.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    private static async Task<long> CountMarkedAsync(string data)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "oplog.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM marks WHERE pending = 1 OR wake_at IS NOT NULL";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
