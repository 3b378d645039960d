using System.Text.Json;
using Clay.Benchmarks.Cli;
using Clay.Benchmarks.Rest;

namespace Clay.Benchmarks.Restate;

/// <summary>
/// The seed workload over HTTP against a fresh Clay server and a fresh Restate server in turn, from
/// the same load client with the same clients, on the same machine, in one run; prints both side by
/// side with the ratios. Both servers run in the network namespace this process runs in
/// (scripts/benchmark-vs-restate.sh makes one), Restate's log and Clay's oplog on the same disk.
/// </summary>
public sealed class VersusRestateScenario : IScenario
{
    public string Name => "vs-restate";

    public string Description => "seed workload, Clay and Restate 1.7 side by side (run through scripts/benchmark-vs-restate.sh): --components 10 --workers 1000 --clients 64 --random 10000 --warmup 2000 --rounds 1";

    public async Task<int> RunAsync(string[] args)
    {
        if (!InOwnNetworkNamespace())
        {
            Console.Error.WriteLine("error[invalid-arguments]: vs-restate runs Restate on its default ports and Restate looks for updates at start-up: "
                + "run it in a network namespace of its own, through scripts/benchmark-vs-restate.sh");
            return 2;
        }
        var components = Execution.ExecutorScenario.Arg(args, "--components", 10);
        var workers = Execution.ExecutorScenario.Arg(args, "--workers", 1000);
        var clients = Execution.ExecutorScenario.Arg(args, "--clients", 64);
        var random = Execution.ExecutorScenario.Arg(args, "--random", 10_000);
        var warmup = Execution.ExecutorScenario.Arg(args, "--warmup", 2000);
        var rounds = Execution.ExecutorScenario.Arg(args, "--rounds", 1);
        string[] workload = ["--components", $"{components}", "--workers", $"{workers}", "--clients", $"{clients}", "--random", $"{random}", "--warmup", $"{warmup}"];
        var objects = components + (warmup > 0 ? 1 : 0);
        var results = new List<(JsonElement Clay, JsonElement Restate)>();
        var failed = false;
        for (var round = 1; round <= rounds; round++)
        {
            Console.WriteLine($"round {round}/{rounds}: Clay (fresh server)");
            JsonElement clay;
            await using (var server = await ClayHarness.StartAsync())
            {
                server.DeployCarts(objects);
                (clay, var exit) = await LoadClientProcess.RunAsync(["--target", "clay", "--url", server.Url, "--token-file", server.TokenFile, "--server-pids", $"{server.ServerPid}", .. workload]);
                failed |= exit != 0;
            }
            Console.WriteLine($"round {round}/{rounds}: Restate (fresh server and cart service)");
            JsonElement restate;
            await using (var server = await RestateHarness.StartAsync(objects))
            {
                (restate, var exit) = await LoadClientProcess.RunAsync(["--target", "restate", "--url", server.IngressUrl,
                    "--server-pids", string.Join(',', server.ServerPids), .. workload]);
                failed |= exit != 0;
            }
            results.Add((clay, restate));
        }

        Console.WriteLine();
        Console.WriteLine($"vs-restate: {components} × {workers} carts (initialize-cart + 2 add-item each), then {random} random get-cart-contents; {clients} clients in one separate process; {rounds} round(s)");
        var ratios = new List<Dictionary<string, double>>();
        foreach (var (clay, restate) in results)
        {
            foreach (var phase in new[] { "spawn", "reads", "all" })
            {
                Console.WriteLine($"  {phase,-6} {"",-8} {"calls/s",9} {"p50 ms",8} {"p99 ms",8} {"server CPU µs/call",19} {"client CPU µs/call",19} {"server alloc B/call",20} {"of it hosts'",12}");
                foreach (var (name, figures) in new[] { ("Clay", clay), ("Restate", restate) })
                {
                    var f = figures.GetProperty(phase);
                    Console.WriteLine($"  {"",-6} {name,-8} {f.GetProperty("per_second").GetDouble(),9:F0} {f.GetProperty("p50_ms").GetDouble(),8:F2} {f.GetProperty("p99_ms").GetDouble(),8:F2} "
                        + $"{f.GetProperty("server_cpu_us_per_call").GetDouble(),19:F0} {f.GetProperty("client_cpu_us_per_call").GetDouble(),19:F0} "
                        + $"{PerCall(f, "server_allocated_bytes_per_call"),20} {PerCall(f, "hosts_allocated_bytes_per_call"),12}");
                }
            }
            var (c, r) = (clay.GetProperty("all"), restate.GetProperty("all"));
            var ratio = new Dictionary<string, double>
            {
                ["server_cpu_restate_over_clay"] = Math.Round(r.GetProperty("server_cpu_us_per_call").GetDouble() / c.GetProperty("server_cpu_us_per_call").GetDouble(), 2),
                ["throughput_clay_over_restate"] = Math.Round(c.GetProperty("per_second").GetDouble() / r.GetProperty("per_second").GetDouble(), 2),
                ["p99_restate_over_clay"] = Math.Round(r.GetProperty("p99_ms").GetDouble() / c.GetProperty("p99_ms").GetDouble(), 2),
                ["p50_restate_over_clay"] = Math.Round(r.GetProperty("p50_ms").GetDouble() / c.GetProperty("p50_ms").GetDouble(), 2),
            };
            ratios.Add(ratio);
            Console.WriteLine($"  ratios (all calls): Restate/Clay server CPU per call {ratio["server_cpu_restate_over_clay"]:F2}× (target >= 10×), "
                + $"Clay/Restate throughput {ratio["throughput_clay_over_restate"]:F2}× (target >= 6×), Restate/Clay p99 {ratio["p99_restate_over_clay"]:F2}× (target >= 5×), "
                + $"p50 {ratio["p50_restate_over_clay"]:F2}×");
        }
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["scenario"] = Name, ["components"] = components, ["workers"] = workers, ["clients"] = clients, ["random"] = random, ["warmup"] = warmup,
            ["rounds"] = results.Select((r, i) => new Dictionary<string, object> { ["clay"] = r.Clay, ["restate"] = r.Restate, ["ratios"] = ratios[i] }).ToArray(),
        }));
        return failed ? 1 : 0;
    }

    /// <summary>Whether this process's network namespace differs from the one of process 1 (the machine's).</summary>
    private static bool InOwnNetworkNamespace()
    {
        try
        {
            return new FileInfo("/proc/self/ns/net").LinkTarget != new FileInfo("/proc/1/ns/net").LinkTarget;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A per-call figure of a phase, or "-" when the server did not report it.</summary>
    private static string PerCall(JsonElement phase, string name) =>
        phase.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble().ToString("F0") : "-";
}
