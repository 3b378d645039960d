using System.Diagnostics;
using System.Text.Json;
using Clay.Benchmarks.Cli;
using Clay.Runtime;
using Clay.Runtime.Oplog;
using Clay.Runtime.Oplog.Codec;
using Clay.Runtime.Execution;
using Clay.Runtime.Storage;
using Clay.Storage.Sqlite;

namespace Clay.Benchmarks.Rest;

/// <summary>
/// What the dashboard's worker list asks of the server, at scale: the requests its component page
/// makes (first page, a page deep in the list, the last page, a name search, a status filter, a
/// filter on a rare status),
/// timed at a small count of workers and again at --workers (one million by default) in one run,
/// so the ratio shows how the listing scales. The workers are written into the store directly
/// (each a create entry, as <c>POST …/workers</c> writes it) while the server is stopped: creating
/// them through the API is the rest-seed scenario's business, and would take most of the run.
/// </summary>
public sealed class DashboardListScenario : IScenario
{
    public string Name => "dashboard-list";

    public string Description => "dashboard worker list at scale: --workers 1000000 --small 10000 --repeat 20 --page 50 [--clients 1024 (concurrent store appends)]";

    public async Task<int> RunAsync(string[] args)
    {
        var workers = Execution.ExecutorScenario.Arg(args, "--workers", 1_000_000);
        var small = Math.Min(workers, Execution.ExecutorScenario.Arg(args, "--small", 10_000));
        var repeat = Execution.ExecutorScenario.Arg(args, "--repeat", 20);
        var page = Execution.ExecutorScenario.Arg(args, "--page", 50);
        var clients = Execution.ExecutorScenario.Arg(args, "--clients", 1024);
        await using var clay = await ClayHarness.StartAsync();
        clay.DeployCarts(1);
        const string Component = "demo:cart0";

        var size = JsonDocument.Parse(await clay.Http.GetStringAsync($"/v1/components/{Component}")).RootElement.GetProperty("size").GetInt64();
        var createClock = new Stopwatch();
        await clay.RestartAsync(() => CreateAsync(clay, Component, size, 0, small, clients, createClock));
        var atSmall = await MeasureAsync(clay, Component, small, repeat, page);
        await clay.RestartAsync(() => CreateAsync(clay, Component, size, small, workers, clients, createClock));
        var atLarge = await MeasureAsync(clay, Component, workers, repeat, page);

        Console.WriteLine($"dashboard-list: worker-list requests of the dashboard, {repeat} of each, page of {page}");
        Console.WriteLine($"  wrote {workers:N0} workers into the store in {createClock.Elapsed.TotalSeconds:F0} s ({workers / createClock.Elapsed.TotalSeconds:F0}/s)");
        Console.WriteLine($"  {"request",-34} {"p50 @" + small.ToString("N0"),14} {"p50 @" + workers.ToString("N0"),16} {"p99 @" + workers.ToString("N0"),16} {"ratio",7}");
        foreach (var (name, smallTimes) in atSmall)
        {
            var largeTimes = atLarge[name];
            Console.WriteLine($"  {name,-34} {Percentiles.Of(smallTimes, 50),11:F1} ms {Percentiles.Of(largeTimes, 50),13:F1} ms {Percentiles.Of(largeTimes, 99),13:F1} ms {Percentiles.Of(largeTimes, 50) / Percentiles.Of(smallTimes, 50),6:F1}x");
        }
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            scenario = Name, workers, small, repeat, page,
            create_per_second = Math.Round(workers / createClock.Elapsed.TotalSeconds),
            requests = atLarge.Keys.ToDictionary(k => k, k => new
            {
                p50_ms_small = Math.Round(Percentiles.Of(atSmall[k], 50), 2),
                p50_ms = Math.Round(Percentiles.Of(atLarge[k], 50), 2),
                p99_ms = Math.Round(Percentiles.Of(atLarge[k], 99), 2),
            }),
            peak_rss_bytes = clay.PeakRss,
        }));
        return 0;
    }

    /// <summary>
    /// Writes the create entries of workers w0000000.. (names sort as numbers) from <paramref name="from"/>
    /// up to <paramref name="to"/> into the stopped server's store, many at a time so group commit batches them.
    /// </summary>
    private static async Task CreateAsync(ClayHarness clay, string component, long componentSize, int from, int to, int clients, Stopwatch clock)
    {
        clock.Start();
        await using var store = await SqliteOplogStore.OpenAsync(new SqliteStoreOptions { DatabasePath = Path.Combine(clay.DataDirectory, "oplog.db") });
        var now = DateTimeOffset.UtcNow;
        await RestSeedScenario.RunConcurrentlyAsync(to - from, clients, async n =>
        {
            var create = new OplogEntry.Create(now, 0, Array.Empty<string>(), Array.Empty<KeyValuePair<string, string>>(), componentSize, 0);
            // One worker in FailedEvery has failed (its mark says so, as a failed worker's last commit
            // writes it): the rare status the dashboard's status filter looks for.
            var mark = (from + n) % FailedEvery == FailedEvery - 1 ? new WorkerMark(WorkerStatus.Failed, LastError: "failed for the benchmark") : null;
            await store.AppendAsync(new WorkerId(component, WorkerName(from + n)), 1, [OplogCodec.Encode(create)], mark);
            if ((from + n + 1) % 100_000 == 0) Console.WriteLine($"  … {from + n + 1:N0} workers ({clock.Elapsed.TotalSeconds:F0} s)");
        });
        clock.Stop();
    }

    private static string WorkerName(int n) => $"w{n:D7}";

    /// <summary>One worker in this many is written failed.</summary>
    private const int FailedEvery = 5_000;

    /// <summary>Times each of the dashboard's list requests <paramref name="repeat"/> times; sorted milliseconds per request.</summary>
    private static async Task<Dictionary<string, double[]>> MeasureAsync(ClayHarness clay, string component, int workers, int repeat, int page)
    {
        var list = $"/v1/components/{component}/workers?count={page}";
        var requests = new (string Name, string Path)[]
        {
            ("first page", list),
            ("page in the middle (cursor)", $"{list}&cursor={WorkerName(workers / 2)}"),
            ("last page (cursor)", $"{list}&cursor={WorkerName(workers - page - 1)}"),
            ("name search (10 matches)", $"{list}&filter={Uri.EscapeDataString($"name like {WorkerName(workers - 1)[..^1]}")}"),
            ("status filter (first page)", $"{list}&filter={Uri.EscapeDataString("status == Idle")}"),
            ($"rare status (1 in {FailedEvery:N0} failed)", $"{list}&filter={Uri.EscapeDataString("status == Failed")}"),
        };
        var times = new Dictionary<string, double[]>();
        foreach (var (name, path) in requests)
        {
            using (var warm = await clay.Http.GetAsync(path)) warm.EnsureSuccessStatusCode();
            var samples = new List<double>();
            var spent = Stopwatch.StartNew();
            // A slow request is timed fewer times (at least three), so a full scan does not take the run hostage.
            while (samples.Count < repeat && (samples.Count < 3 || spent.Elapsed < TimeSpan.FromSeconds(60)))
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await clay.Http.GetAsync(path);
                await response.Content.ReadAsByteArrayAsync();
                samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                response.EnsureSuccessStatusCode();
            }
            times[name] = [.. samples.Order()];
        }
        return times;
    }
}
