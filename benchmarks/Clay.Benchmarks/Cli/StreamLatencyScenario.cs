using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Clay.Benchmarks.Durable;

namespace Clay.Benchmarks.Cli;

/// <summary>
/// How long a log line takes from <c>context.Log</c> in a worker to the output of a running
/// <c>clay worker stream --format json</c> (the published clay, a process of its own): a client invokes
/// <c>say</c> one call at a time, and a reader stamps each line as clay prints it. Two figures per line:
/// from the log entry's own timestamp (taken by <c>context.Log</c>, same machine clock) to the line read
/// from clay's stdout, and from the invocation being sent to that line (which adds the request and the
/// dispatch to the worker). The invocation's own round trip is shown beside them.
/// </summary>
public sealed class StreamLatencyScenario : IScenario
{
    private const string Component = "sleeper";

    public string Name => "stream";

    public string Description => "log line latency from context.Log to `clay worker stream` output, p50/p99 (--lines N, --isolation process|none; needs scripts/publish.sh)";

    public async Task<int> RunAsync(string[] args)
    {
        var lines = Execution.ExecutorScenario.Arg(args, "--lines", 2000);
        var isolation = args.SkipWhile(a => a != "--isolation").Skip(1).FirstOrDefault() ?? "process";
        var root = Path.Combine(Path.GetTempPath(), "clay-bench-stream-" + Guid.NewGuid().ToString("N"));
        try
        {
            var data = Path.Combine(root, "data");
            await using var server = await ServerRun.StartAsync(data, "--isolation", isolation);
            await server.DeploySleeperAsync(Component);
            await server.InvokeAsync(Component, "talker", "say", "await", "\"warm-up\"");

            var arrivals = new ConcurrentDictionary<string, (long Stamp, DateTimeOffset Utc, DateTimeOffset Logged)>(StringComparer.Ordinal);
            using var clay = StartStream(server.Url, File.ReadAllText(Path.Combine(data, "access-token")).Trim());
            var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            clay.ErrorDataReceived += (_, e) => { if (e.Data?.StartsWith("Streaming the log", StringComparison.Ordinal) == true) streaming.TrySetResult(); };
            clay.OutputDataReceived += (_, e) =>
            {
                if (string.IsNullOrEmpty(e.Data)) return;
                var stamp = Stopwatch.GetTimestamp();
                var utc = DateTimeOffset.UtcNow;
                using var line = JsonDocument.Parse(e.Data);
                arrivals[line.RootElement.GetProperty("message").GetString()!] = (stamp, utc, line.RootElement.GetProperty("timestamp").GetDateTimeOffset());
            };
            clay.BeginErrorReadLine();
            clay.BeginOutputReadLine();
            await streaming.Task.WaitAsync(TimeSpan.FromSeconds(60));

            var sent = new long[lines];
            var roundTrips = new double[lines];
            for (var i = 0; i < lines; i++)
            {
                sent[i] = Stopwatch.GetTimestamp();
                await server.InvokeAsync(Component, "talker", "say", "await", $"\"line {i}\"");
                roundTrips[i] = Stopwatch.GetElapsedTime(sent[i]).TotalMilliseconds;
            }
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (arrivals.Count < lines && DateTime.UtcNow < deadline) await Task.Delay(50);
            clay.Kill();
            await clay.WaitForExitAsync();
            if (arrivals.Count < lines) throw new InvalidOperationException($"only {arrivals.Count} of {lines} lines reached clay's output");

            var fromLog = new List<double>(lines);
            var fromSend = new List<double>(lines);
            for (var i = 0; i < lines; i++)
            {
                var (stamp, utc, logged) = arrivals[$"line {i}"];
                fromLog.Add((utc - logged).TotalMilliseconds);
                fromSend.Add(Stopwatch.GetElapsedTime(sent[i], stamp).TotalMilliseconds);
            }
            fromLog.Sort();
            fromSend.Sort();
            Array.Sort(roundTrips);
            var figures = new Dictionary<string, object>
            {
                ["scenario"] = Name, ["isolation"] = isolation, ["lines"] = lines,
                ["log_to_cli_p50_ms"] = Round(Percentiles.Of(fromLog, 50)), ["log_to_cli_p99_ms"] = Round(Percentiles.Of(fromLog, 99)),
                ["send_to_cli_p50_ms"] = Round(Percentiles.Of(fromSend, 50)), ["send_to_cli_p99_ms"] = Round(Percentiles.Of(fromSend, 99)),
                ["invoke_p50_ms"] = Round(Percentiles.Of(roundTrips, 50)), ["invoke_p99_ms"] = Round(Percentiles.Of(roundTrips, 99)),
            };
            Console.WriteLine($"stream: {lines:N0} lines, one `say` invocation at a time, isolation {isolation}, read from `clay worker stream --format json`");
            Console.WriteLine($"  context.Log -> clay output:      p50 {figures["log_to_cli_p50_ms"]} ms, p99 {figures["log_to_cli_p99_ms"]} ms");
            Console.WriteLine($"  invocation sent -> clay output:  p50 {figures["send_to_cli_p50_ms"]} ms, p99 {figures["send_to_cli_p99_ms"]} ms");
            Console.WriteLine($"  invocation round trip (REST):    p50 {figures["invoke_p50_ms"]} ms, p99 {figures["invoke_p99_ms"]} ms");
            Console.WriteLine(JsonSerializer.Serialize(figures));
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static double Round(double value) => Math.Round(value, 3);

    /// <summary>The published clay following the talker's log, JSON Lines on stdout.</summary>
    private static Process StartStream(string url, string token)
    {
        var start = new ProcessStartInfo(Path.Combine(ClayHarness.Bin, "clay"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--server", url, "worker", "stream", $"{Component}/talker", "--format", "json" }) start.ArgumentList.Add(arg);
        start.Environment["CLAY_TOKEN"] = token;
        return Process.Start(start)!;
    }
}
