using System.Diagnostics;
using System.Text.Json;

namespace Clay.Benchmarks.Cli;

/// <summary>
/// The seed walkthrough at full scale with the real clay: 10 components, 1,000 workers each, two
/// invocations per worker (initialize-cart, add-item), then 10,000 get-cart-contents on random
/// workers — every one of which must answer with its own cart although most were dropped from memory.
/// </summary>
public sealed class SeedScenario : IScenario
{
    public string Name => "seed";

    public string Description => "the seed demo with clay commands: --components 10 --workers 1000 --random 10000";

    public async Task<int> RunAsync(string[] args)
    {
        var components = Execution.ExecutorScenario.Arg(args, "--components", 10);
        var workers = Execution.ExecutorScenario.Arg(args, "--workers", 1000);
        var random = Execution.ExecutorScenario.Arg(args, "--random", 10_000);
        await using var clay = await ClayHarness.StartAsync();
        var deploy = Stopwatch.StartNew();
        var app = clay.DeployCarts(components);
        deploy.Stop();

        var spawn = new List<double>(components * workers * 2);
        var spawnClock = Stopwatch.StartNew();
        for (var j = 0; j < workers; j++)
        {
            for (var i = 0; i < components; i++)
            {
                spawn.Add(clay.Run(app, "worker", "invoke", $"demo:cart{i}/{j}", "initialize-cart", "\"user1\""));
                spawn.Add(clay.Run(app, "worker", "invoke", $"demo:cart{i}/{j}", "add-item",
                    $"{{ product-id: \"p1\", name: \"Example product {j}/{i}\", price: 1000.0, quantity: 2 }}"));
            }
            if ((j + 1) % 100 == 0) Console.Error.WriteLine($"  {j + 1}/{workers} workers per component spawned");
        }
        spawnClock.Stop();

        var rng = new Random(42);
        var reads = new List<double>(random);
        var readClock = Stopwatch.StartNew();
        for (var n = 0; n < random; n++)
        {
            var i = rng.Next(components);
            var j = rng.Next(workers);
            reads.Add(clay.Run(app, out var contents, "worker", "invoke", $"demo:cart{i}/{j}", "get-cart-contents"));
            if (!contents.Contains($"Example product {j}/{i}\"", StringComparison.Ordinal))
                throw new InvalidOperationException($"demo:cart{i}/{j} answered with someone else's cart: {contents}");
        }
        readClock.Stop();
        spawn.Sort();
        reads.Sort();
        Console.WriteLine($"seed: {components} components × {workers} workers, then {random} random get-cart-contents, each a clay process");
        Console.WriteLine($"  app new + component new + deploy: {deploy.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"  spawn ({spawn.Count} invocations): {spawnClock.Elapsed.TotalSeconds:F1} s, per command p50 {Percentiles.Of(spawn, 50):F1} ms p99 {Percentiles.Of(spawn, 99):F1} ms");
        Console.WriteLine($"  random reads ({random}): {readClock.Elapsed.TotalSeconds:F1} s, per command p50 {Percentiles.Of(reads, 50):F1} ms p99 {Percentiles.Of(reads, 99):F1} ms");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            scenario = Name, components, workers, random,
            deploy_s = Math.Round(deploy.Elapsed.TotalSeconds, 2),
            spawn_s = Math.Round(spawnClock.Elapsed.TotalSeconds, 2),
            spawn_p50_ms = Math.Round(Percentiles.Of(spawn, 50), 2), spawn_p99_ms = Math.Round(Percentiles.Of(spawn, 99), 2),
            reads_s = Math.Round(readClock.Elapsed.TotalSeconds, 2),
            reads_p50_ms = Math.Round(Percentiles.Of(reads, 50), 2), reads_p99_ms = Math.Round(Percentiles.Of(reads, 99), 2),
        }));
        return 0;
    }
}
