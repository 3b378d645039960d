using System.Globalization;
using System.Text.Json;
using Clay.Benchmarks.Cli;

namespace Clay.Benchmarks.Rest;

/// <summary>
/// The seed workload over REST (clay-load) three times on one server, restarted between rounds with
/// a fresh oplog and the same deployed components: tracing off, traces sampled at 1 %, and every
/// trace recorded, exported with OTLP/HTTP to a loopback sink. Compares throughput and p50/p99
/// within the run.
/// </summary>
public sealed class TracingCostScenario : IScenario
{
    public string Name => "tracing";

    public string Description => "seed workload with tracing off, sampled at 1 %, always on: --components 4 --workers 500 --clients 64 --random 4000 [--warmup 1000]";

    public async Task<int> RunAsync(string[] args)
    {
        var components = Execution.ExecutorScenario.Arg(args, "--components", 4);
        var workers = Execution.ExecutorScenario.Arg(args, "--workers", 500);
        var clients = Execution.ExecutorScenario.Arg(args, "--clients", 64);
        var random = Execution.ExecutorScenario.Arg(args, "--random", 4000);
        var warmup = Execution.ExecutorScenario.Arg(args, "--warmup", 1000);
        using var sink = new OtlpSink();
        // The exporter's protocol comes from the standard variable, inherited by the server.
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        var modes = new (string Name, string[] Args)[]
        {
            ("off", []),
            ("sampled 1 %", ["--otlp-endpoint", sink.Url, "--trace-sample-ratio", "0.01"]),
            ("always", ["--otlp-endpoint", sink.Url, "--trace-sample-ratio", "1"]),
        };
        await using var clay = await ClayHarness.StartAsync(modes[0].Args);
        clay.DeployCarts(components + 1);
        var results = new List<(string Mode, JsonElement All, long Exports, long Bytes)>();
        var exit = 0;
        foreach (var (mode, serverArgs) in modes)
        {
            if (results.Count > 0)
            {
                await clay.RestartAsync(serverArgs, () =>
                {
                    // Same components, no workers: each round creates its carts afresh.
                    foreach (var file in Directory.EnumerateFiles(clay.DataDirectory, "oplog.db*")) File.Delete(file);
                    return Task.CompletedTask;
                });
            }
            Console.WriteLine($"tracing {mode}:");
            var (exports, bytes) = (sink.Exports, sink.Bytes);
            var (figures, code) = await LoadClientProcess.RunAsync(["--target", "clay", "--url", clay.Url, "--server-pids", $"{clay.ServerPid}",
                "--components", $"{components}", "--workers", $"{workers}", "--clients", $"{clients}", "--random", $"{random}",
                "--calls", "3", "--warmup", $"{warmup}"]);
            exit = Math.Max(exit, code);
            results.Add((mode, figures.GetProperty("all").Clone(), sink.Exports - exports, sink.Bytes - bytes));
        }

        var off = results[0].All;
        Console.WriteLine();
        Console.WriteLine($"{"tracing",-12} {"calls/s",9} {"p50 ms",8} {"p99 ms",8} {"CPU µs/call",12} {"vs off",7} {"exports",8} {"KiB sent",9}");
        foreach (var (mode, all, exports, bytes) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{mode,-12} {Get(all, "per_second"),9:F0} {Get(all, "p50_ms"),8:F2} {Get(all, "p99_ms"),8:F2} {Get(all, "server_cpu_us_per_call"),12:F0} {Get(all, "per_second") / Get(off, "per_second"),7:F2} {exports,8} {bytes / 1024.0,9:F0}"));
        }
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["scenario"] = Name,
            ["modes"] = results.ToDictionary(r => r.Mode, r => (object)new { all = r.All, exports = r.Exports, bytes = r.Bytes }),
        }));
        return exit;
    }

    private static double Get(JsonElement phase, string name) =>
        phase.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : double.NaN;
}
