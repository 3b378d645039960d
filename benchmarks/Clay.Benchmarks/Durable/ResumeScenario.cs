using System.Diagnostics;
using System.Text.Json;
using Clay.Benchmarks.Rest;

namespace Clay.Benchmarks.Durable;

/// <summary>
/// How long the work under way in a component host takes to finish after that host is killed: the
/// server starts a new host and wakes the workers whose work was under way in batches that grow while
/// each finishes (docs/isolation.md, "Crashes, recovery and quarantine"). Beside it, in the same run,
/// the same work with no crash: every worker's invocation runs at once.
/// </summary>
public sealed class ResumeScenario : IScenario
{
    private const string Component = "sleeper";

    public string Name => "resume";

    public string Description => "time until the work under way in a killed component host has finished, against the same work with no crash (--workers 20 --work-ms 200 --rounds 2)";

    public async Task<int> RunAsync(string[] args)
    {
        var workers = Execution.ExecutorScenario.Arg(args, "--workers", 20);
        var workMs = Execution.ExecutorScenario.Arg(args, "--work-ms", 200);
        var rounds = Execution.ExecutorScenario.Arg(args, "--rounds", 2);
        var root = Path.Combine(Path.GetTempPath(), "clay-bench-resume-" + Guid.NewGuid().ToString("N"));
        var data = Path.Combine(root, "data");
        var figures = new Dictionary<string, object> { ["scenario"] = Name, ["workers"] = workers, ["work_ms"] = workMs };
        try
        {
            await using var server = await ServerRun.StartAsync(data);
            await server.DeploySleeperAsync(Component);
            var names = Enumerable.Range(0, workers).Select(i => $"w{i:D4}").ToArray();
            await Task.WhenAll(names.Select(name => server.InvokeAsync(Component, name, "echo", "await", "\"hi\"")));

            Console.WriteLine($"resume: {workers} workers of one component, each with an invocation that waits {workMs} ms in an effect");
            var calm = new List<double>();
            var crashed = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                calm.Add(await TimeWorkAsync(server, data, names, workMs, killHost: false));
                crashed.Add(await TimeWorkAsync(server, data, names, workMs, killHost: true));
                Console.WriteLine($"  round {round + 1}: all finished {calm[^1],7:F0} ms after the last was queued with no crash; "
                    + $"{crashed[^1],7:F0} ms after their host was killed");
            }
            var perWorker = crashed.Select(c => c / workers).ToArray();
            Console.WriteLine($"  after a crash, {perWorker.Min():F0}–{perWorker.Max():F0} ms per worker (work of {workMs} ms each)");
            figures["calm_ms"] = calm.Select(c => Math.Round(c)).ToArray();
            figures["after_kill_ms"] = crashed.Select(c => Math.Round(c)).ToArray();
            figures["after_kill_per_worker_ms"] = perWorker.Select(c => Math.Round(c)).ToArray();
            Console.WriteLine(JsonSerializer.Serialize(figures));
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// Queues work(<paramref name="workMs"/>) on every worker, kills the component host at once if
    /// asked, and returns the milliseconds from then until no worker's mark shows work left.
    /// </summary>
    private static async Task<double> TimeWorkAsync(ServerRun server, string data, string[] names, int workMs, bool killHost)
    {
        await Task.WhenAll(names.Select(name => server.InvokeAsync(Component, name, "work", "enqueue", $"{workMs}")));
        var from = Stopwatch.GetTimestamp();
        if (killHost)
        {
            var hosts = IsolationScenario.Children(server.Pid)
                .Where(pid => File.ReadAllText($"/proc/{pid}/cmdline").Contains("component-host", StringComparison.Ordinal)).ToList();
            if (hosts.Count != 1) throw new InvalidOperationException($"expected one component host, found {hosts.Count}");
            using var host = Process.GetProcessById(hosts[0]);
            host.Kill();
            await host.WaitForExitAsync();
        }
        var deadline = TimeSpan.FromMinutes(5);
        while (await StartupScenario.CountMarkedAsync(data) > 0)
        {
            if (Stopwatch.GetElapsedTime(from) > deadline) throw new TimeoutException($"work still under way after {deadline}");
            await Task.Delay(5);
        }
        var elapsed = Stopwatch.GetElapsedTime(from).TotalMilliseconds;
        // Every worker answers, in its new host.
        foreach (var name in names)
        {
            if (await server.InvokeAsync(Component, name, "echo", "await", "\"again\"") != "\"again\"") throw new InvalidOperationException($"{name} did not answer");
        }
        return elapsed;
    }
}
