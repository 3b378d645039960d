using System.Diagnostics;
using System.Text.Json;

namespace Clay.Benchmarks.Durable;

/// <summary>
/// Worker-to-worker call latency against a direct invocation, in one run: a client invokes
/// <c>echo</c> on a callee directly, or <c>ask-echo</c> on a caller that calls the callee's
/// <c>echo</c> (a durable call: recorded in both oplogs, the caller's commit before the call).
/// The two kinds alternate round by round, so both see the same machine.
/// </summary>
public sealed class CallScenario : IScenario
{
    private const string Component = "sleeper";

    public string Name => "calls";

    public string Description => "worker-to-worker call latency p50/p99 against a direct invocation, same run (--pairs N, --rounds N, --per-round N, --clients N)";

    public async Task<int> RunAsync(string[] args)
    {
        var pairs = Execution.ExecutorScenario.Arg(args, "--pairs", 64);
        var rounds = Execution.ExecutorScenario.Arg(args, "--rounds", 10);
        var perRound = Execution.ExecutorScenario.Arg(args, "--per-round", 500);
        var clients = Execution.ExecutorScenario.Arg(args, "--clients", 1);
        var root = Path.Combine(Path.GetTempPath(), "clay-bench-calls-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var server = await ServerRun.StartAsync(Path.Combine(root, "data"));
            await server.DeploySleeperAsync(Component);
            // Every worker created and warm before measuring.
            for (var warm = 0; warm < 3; warm++)
            {
                await RoundAsync(server, pairs, pairs, clients, indirect: false);
                await RoundAsync(server, pairs, pairs, clients, indirect: true);
            }
            var direct = new List<double>();
            var called = new List<double>();
            var wall = new double[2];
            for (var round = 0; round < rounds; round++)
            {
                foreach (var indirect in round % 2 == 0 ? new[] { false, true } : [true, false])
                {
                    var started = Stopwatch.GetTimestamp();
                    var samples = await RoundAsync(server, pairs, perRound, clients, indirect);
                    wall[indirect ? 1 : 0] += Stopwatch.GetElapsedTime(started).TotalSeconds;
                    (indirect ? called : direct).AddRange(samples);
                }
            }
            direct.Sort();
            called.Sort();
            var figures = new Dictionary<string, object>
            {
                ["scenario"] = Name, ["pairs"] = pairs, ["clients"] = clients, ["samples_each"] = direct.Count,
                ["direct_p50_ms"] = Round(Percentiles.Of(direct, 50)), ["direct_p99_ms"] = Round(Percentiles.Of(direct, 99)),
                ["call_p50_ms"] = Round(Percentiles.Of(called, 50)), ["call_p99_ms"] = Round(Percentiles.Of(called, 99)),
                ["p50_ratio"] = Round(Percentiles.Of(called, 50) / Percentiles.Of(direct, 50)),
                ["p99_ratio"] = Round(Percentiles.Of(called, 99) / Percentiles.Of(direct, 99)),
                ["direct_per_s"] = Math.Round(direct.Count / wall[0]), ["call_per_s"] = Math.Round(called.Count / wall[1]),
            };
            Console.WriteLine($"calls: {pairs} caller/callee pairs, {clients} client(s), {direct.Count:N0} samples of each kind, alternating rounds");
            Console.WriteLine($"  direct invocation of echo:        p50 {figures["direct_p50_ms"]} ms, p99 {figures["direct_p99_ms"]} ms, {figures["direct_per_s"]}/s");
            Console.WriteLine($"  ask-echo (one worker-to-worker call): p50 {figures["call_p50_ms"]} ms, p99 {figures["call_p99_ms"]} ms, {figures["call_per_s"]}/s");
            Console.WriteLine($"  ratio call / direct: p50 {figures["p50_ratio"]}×, p99 {figures["p99_ratio"]}×");
            Console.WriteLine(JsonSerializer.Serialize(figures));
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static double Round(double value) => Math.Round(value, 3);

    /// <summary>Runs <paramref name="count"/> invocations over the pairs with <paramref name="clients"/> at a time; their latencies in ms.</summary>
    private static async Task<List<double>> RoundAsync(ServerRun server, int pairs, int count, int clients, bool indirect)
    {
        var samples = new double[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = clients }, async (i, _) =>
        {
            var pair = i % pairs;
            var started = Stopwatch.GetTimestamp();
            var answer = indirect
                ? await server.InvokeAsync(Component, $"caller{pair:D4}", "ask-echo", "await", $"\"callee{pair:D4}\"", $"\"{i}\"")
                : await server.InvokeAsync(Component, $"callee{pair:D4}", "echo", "await", $"\"{i}\"");
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (answer != $"\"{i}\"") throw new InvalidOperationException($"expected \"{i}\", got {answer}");
        });
        return [.. samples];
    }
}
