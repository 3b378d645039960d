using System.Diagnostics;
using System.Text.Json;
using Clay.Benchmarks.Cli;

namespace Clay.Benchmarks.Rest;

/// <summary>
/// Runs clay-load (benchmarks/Clay.LoadClient, built with the benchmarks) as a process of its own,
/// so the clients' CPU is neither the server's nor this orchestrating process's; shows its summary
/// and returns its JSON line.
/// </summary>
public static class LoadClientProcess
{
    /// <summary>The clay-load executable built next to these benchmarks, in the same configuration.</summary>
    public static string Executable { get; } = Find();

    /// <summary>Runs clay-load with <paramref name="args"/>; returns its figures, or throws when it printed none.</summary>
    public static async Task<(JsonElement Figures, int ExitCode)> RunAsync(IEnumerable<string> args, string indent = "  ")
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // CLAY_BENCH_CALLS_LOG=PATH: clay-load appends every call there (phase, start, latency, place in its cart's sequence).
        if (Environment.GetEnvironmentVariable("CLAY_BENCH_CALLS_LOG") is { Length: > 0 } callsLog)
        {
            start.ArgumentList.Add("--calls-log");
            start.ArgumentList.Add(callsLog);
        }
        using var process = Process.Start(start)!;
        var errors = EchoAsync(process.StandardError, indent);
        string? last = null;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith('{')) last = line;
            else Console.WriteLine(indent + line);
        }
        await process.WaitForExitAsync();
        var stderr = await errors;
        if (last is null) throw new InvalidOperationException($"clay-load printed no figures (exit {process.ExitCode}): {stderr}");
        using var json = JsonDocument.Parse(last);
        return (json.RootElement.Clone(), process.ExitCode);
    }

    /// <summary>Shows clay-load's standard error (its phases as they end) on this process's, as it comes; returns all of it.</summary>
    private static async Task<string> EchoAsync(StreamReader stderr, string indent)
    {
        var all = new System.Text.StringBuilder();
        while (await stderr.ReadLineAsync() is { } line)
        {
            Console.Error.WriteLine(indent + line);
            all.AppendLine(line);
        }
        return all.ToString();
    }

    private static string Find()
    {
        // .../benchmarks/Clay.Benchmarks/bin/<Configuration>/<framework>/
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var configuration = framework.Parent!.Name;
        var path = Path.Combine(ClayHarness.RepositoryRoot, "benchmarks", "Clay.LoadClient", "bin", configuration, framework.Name, "clay-load");
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build benchmarks/Clay.Benchmarks (it builds the load client)");
    }
}
