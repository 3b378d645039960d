using Clay.Runtime.Storage;

namespace Clay.Benchmarks.Storage;

/// <summary>What <see cref="StoreScenario.MeasureAsync"/> measured of one store.</summary>
internal sealed record StoreRun((double P50, double P99) Lone, double LoneCommitMs, Dictionary<int, double> Throughput)
{
    /// <summary>Prints the lone-writer latency against <paramref name="floorName"/>, then the throughput.</summary>
    public void Print(string floorName, double floorP50, string commitName, GroupCommitStatistics statistics)
    {
        Console.WriteLine($"  lone append → durable    p50 {Lone.P50:F3} ms  p99 {Lone.P99:F3} ms  ({Lone.P50 / floorP50:F2}× {floorName})");
        Console.WriteLine($"    of which {commitName} {LoneCommitMs:F3} ms on average");
        foreach (var (writers, rate) in Throughput) Console.WriteLine($"  {writers,5} concurrent writers: {rate,10:F0} entries/s");
        Console.WriteLine($"  ({statistics.Commits} commits, {statistics.Entries / (double)Math.Max(1, statistics.Commits):F1} entries per commit on average)");
    }
}
