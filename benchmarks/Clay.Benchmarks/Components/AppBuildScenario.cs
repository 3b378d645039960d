using System.Diagnostics;
using System.Text.Json;
using Clay.Benchmarks.Cli;

namespace Clay.Benchmarks.Components;

/// <summary>
/// <c>clay app build</c> of an application of N cart components with the published clay: a first
/// build (restore and compile) and a rebuild with nothing changed; then, on the same assemblies,
/// what describing them by loading them (<c>clay-server describe</c>, the path for components built
/// without the generator) costs, which the generated interfaces spare.
/// </summary>
public sealed class AppBuildScenario : IScenario
{
    public string Name => "app-build";

    public string Description => "clay app build of N cart components, and the describe step it no longer needs (--components 10; needs scripts/publish.sh)";

    public Task<int> RunAsync(string[] args)
    {
        var components = Execution.ExecutorScenario.Arg(args, "--components", 10);
        var root = Path.Combine(Path.GetTempPath(), "clay-bench-build-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            Run(root, "clay", "app", "new", "bench", "csharp");
            var app = Path.Combine(root, "bench");
            for (var i = 0; i < components; i++) Run(app, "clay", "component", "new", "csharp/example-shopping-cart", $"demo:cart{i}");
            var first = Run(app, "clay", "app", "build");
            var again = Run(app, "clay", "app", "build");
            var assemblies = Directory.GetFiles(Path.Combine(app, "components"), "demo-cart*.dll", SearchOption.AllDirectories)
                .Where(p => p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).ToArray();
            var describe = Run(app, "clay-server", ["describe", .. assemblies]);

            Console.WriteLine($"app-build: {components} cart components");
            Console.WriteLine($"  clay app build, first (restore + compile):  {first / 1000:F2} s");
            Console.WriteLine($"  clay app build, nothing changed:           {again / 1000:F2} s");
            Console.WriteLine($"  clay-server describe of the {assemblies.Length} assemblies (load by reflection; skipped for generated models): {describe / 1000:F2} s");
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                scenario = Name, components,
                first_build_s = Math.Round(first / 1000, 2),
                rebuild_s = Math.Round(again / 1000, 2),
                reflection_describe_s = Math.Round(describe / 1000, 2),
            }));
            return Task.FromResult(0);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static double Run(string directory, string program, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(ClayHarness.Bin, program))
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {output.Result}{error}");
        return elapsed;
    }
}
