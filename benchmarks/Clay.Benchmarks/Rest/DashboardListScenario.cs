using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Clay.Benchmarks.Cli;

namespace Clay.Benchmarks.Rest;

/// <summary>
/// What the dashboard's worker list asks of the server, at scale: the requests its component page
/// makes (first page, a page deep in the list, the last page, a name search, a status filter),
/// timed at a small count of workers and again at --workers (one million by default) in one run,
/// so the ratio shows how the listing scales.
/// </summary>
public sealed class DashboardListScenario : IScenario
{
    public string Name => "dashboard-list";

    public string Description => "dashboard worker list at scale: --workers 1000000 --small 10000 --repeat 20 --page 50 [--clients 64]";

    public async Task<int> RunAsync(string[] args)
    {
        var workers = Execution.ExecutorScenario.Arg(args, "--workers", 1_000_000);
        var small = Math.Min(workers, Execution.ExecutorScenario.Arg(args, "--small", 10_000));
        var repeat = Execution.ExecutorScenario.Arg(args, "--repeat", 20);
        var page = Execution.ExecutorScenario.Arg(args, "--page", 50);
        var clients = Execution.ExecutorScenario.Arg(args, "--clients", 64);
        await using var clay = await ClayHarness.StartAsync();
        clay.DeployCarts(1);
        const string Component = "demo:cart0";

        var createClock = Stopwatch.StartNew();
        await CreateAsync(clay, Component, 0, small, clients);
        createClock.Stop();
        var atSmall = await MeasureAsync(clay, Component, small, repeat, page);
        createClock.Start();
        await CreateAsync(clay, Component, small, workers, clients);
        createClock.Stop();
        var atLarge = await MeasureAsync(clay, Component, workers, repeat, page);

        Console.WriteLine($"dashboard-list: worker-list requests of the dashboard, {repeat} of each, page of {page}");
        Console.WriteLine($"  created {workers:N0} workers in {createClock.Elapsed.TotalSeconds:F0} s ({workers / createClock.Elapsed.TotalSeconds:F0}/s)");
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

    /// <summary>Creates workers w0000000.. (names sort as numbers) from <paramref name="from"/> up to <paramref name="to"/>.</summary>
    private static async Task CreateAsync(ClayHarness clay, string component, int from, int to, int clients)
    {
        var started = Stopwatch.StartNew();
        await RestSeedScenario.RunConcurrentlyAsync(to - from, clients, async n =>
        {
            using var response = await clay.Http.PostAsJsonAsync($"/v1/components/{component}/workers", new { name = WorkerName(from + n) });
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"creating {WorkerName(from + n)}: {await response.Content.ReadAsStringAsync()}");
            if ((from + n + 1) % 100_000 == 0) Console.WriteLine($"  … {from + n + 1:N0} workers ({started.Elapsed.TotalSeconds:F0} s)");
        });
    }

    private static string WorkerName(int n) => $"w{n:D7}";

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
