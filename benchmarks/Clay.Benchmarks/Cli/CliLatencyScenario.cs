using System.Text.Json;

namespace Clay.Benchmarks.Cli;

/// <summary>Wall time of one `clay worker invoke` against a running server, process start to exit.</summary>
public sealed class CliLatencyScenario : IScenario
{
    public string Name => "cli";

    public string Description => "per-command wall time of `clay worker invoke` against a running server (--runs N, default 300)";

    public async Task<int> RunAsync(string[] args)
    {
        var runs = Execution.ExecutorScenario.Arg(args, "--runs", 300);
        await using var clay = await ClayHarness.StartAsync();
        var app = clay.DeployCarts(1);
        clay.Run(app, "worker", "invoke", "demo:cart0/w", "initialize-cart", "\"user1\"");
        var invoke = new double[runs];
        var noop = new double[Math.Min(runs, 100)];
        for (var i = 0; i < noop.Length; i++) noop[i] = clay.Run(app, "--help");
        for (var i = 0; i < runs; i++) invoke[i] = clay.Run(app, "worker", "invoke", "demo:cart0/w", "get-cart-contents");
        Array.Sort(invoke);
        Array.Sort(noop);
        Console.WriteLine($"cli: {runs} × clay worker invoke demo:cart0/w get-cart-contents (process start to exit)");
        Console.WriteLine($"  invoke p50 {Percentiles.Of(invoke, 50):F1} ms, p99 {Percentiles.Of(invoke, 99):F1} ms (target p50 <= 30 ms)");
        Console.WriteLine($"  clay --help (no request) p50 {Percentiles.Of(noop, 50):F1} ms: process start-up alone");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            scenario = Name, runs,
            invoke_p50_ms = Math.Round(Percentiles.Of(invoke, 50), 2), invoke_p99_ms = Math.Round(Percentiles.Of(invoke, 99), 2),
            startup_p50_ms = Math.Round(Percentiles.Of(noop, 50), 2),
        }));
        return 0;
    }
}
