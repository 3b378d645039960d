using Clay.Runtime.Diagnostics;
using Clay.Runtime.Tests.Execution;
using Clay.Runtime.Values;
using Clay.TestComponents.Durability;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Clay.Runtime.Tests.Diagnostics;

/// <summary>
/// Clay's duration histograms as an OpenTelemetry exporter receives them: in seconds, with buckets
/// for seconds. Listeners are process-wide and other tests run alongside, so counts may include
/// theirs; the test asks only what every commit shares.
/// </summary>
public sealed class DurationHistogramTests
{
    [Fact]
    public async Task Commit_and_invocation_durations_fall_in_buckets_made_for_seconds()
    {
        var metrics = new List<Metric>();
        using var meters = OpenTelemetry.Sdk.CreateMeterProviderBuilder().AddMeter(ClayTelemetry.Name).AddInMemoryExporter(metrics).Build();
        await using var fixture = new ExecutorFixture(typeof(Tally));
        var (_, executor) = await fixture.StartAsync();

        await executor.InvokeAsync(ExecutorFixture.Worker(typeof(Tally), "timed"), "add", [new Value.U64(1)]);
        meters.ForceFlush();

        foreach (var name in new[] { "clay.commit.duration", "clay.invocation.duration" })
        {
            var metric = metrics.Last(m => m.Name == name);
            Assert.Equal("s", metric.Unit);
            var buckets = new List<(double Bound, long Count)>();
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var bucket in point.GetHistogramBuckets()) buckets.Add((bucket.ExplicitBound, bucket.BucketCount));
            }
            // The exporter's own defaults (0, 5, 10 … 10,000) are for milliseconds: a duration in seconds
            // would land in (0, 5] whatever it was.
            Assert.Equal(ClayTelemetry.SecondsAdvice.HistogramBucketBoundaries!.Append(double.PositiveInfinity), buckets.Select(b => b.Bound).Distinct());
            // A commit of one small entry on a local disk takes well under a second.
            Assert.Contains(buckets, b => b.Count > 0 && b.Bound <= 1);
        }
    }
}
