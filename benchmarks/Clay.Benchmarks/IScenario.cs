namespace Clay.Benchmarks;

/// <summary>
/// A load scenario run outside BenchmarkDotNet (throughput under concurrency, latency percentiles).
/// It prints a readable summary and, last, one JSON line with its figures.
/// </summary>
public interface IScenario
{
    /// <summary>The name given on the command line.</summary>
    string Name { get; }

    /// <summary>One line for the list.</summary>
    string Description { get; }

    /// <summary>Runs the scenario; returns the process exit code.</summary>
    Task<int> RunAsync(string[] args);
}
