using System.Diagnostics;
using System.Diagnostics.Metrics;
using Clay.Cluster.Hosts;
using Clay.Runtime.Diagnostics;
using Clay.Server.Isolation;

namespace Clay.Server.Tests.Isolation;

/// <summary>What a component host passes on of its measurements to the server.</summary>
public sealed class HostTelemetryTests
{
    [Fact]
    public void Measurements_go_once_per_instrument_and_tags_a_counter_summed_and_a_histogram_value_by_value()
    {
        using var telemetry = new HostTelemetry(new HostSettings { Component = "demo:cart" });
        using var meter = new Meter(ClayTelemetry.Name);
        // Names of this test's own, so measurements of other tests running meanwhile are told apart.
        var suffix = Guid.NewGuid().ToString("N");
        var calls = meter.CreateCounter<long>("test.calls." + suffix);
        var duration = meter.CreateHistogram<double>("test.duration." + suffix);
        for (var i = 0; i < 3; i++)
        {
            calls.Add(1, Tags("add"));
            duration.Record(0.5 + i, Tags("add"));
        }
        calls.Add(2, Tags("get"));

        var sent = Ours(telemetry.Drain(), suffix);

        Assert.Equal(3, sent.Count);
        var add = sent.Single(m => m.Instrument == calls.Name && m.Tags[1] == "add");
        Assert.Equal(3, add.Value);
        Assert.Null(add.Values);
        Assert.Equal(["function", "add", "outcome", "ok"], add.Tags);
        Assert.Equal(2, sent.Single(m => m.Instrument == calls.Name && m.Tags[1] == "get").Value);
        Assert.Equal([0.5, 1.5, 2.5], sent.Single(m => m.Instrument == duration.Name).Values!);
        Assert.Empty(Ours(telemetry.Drain(), suffix));
    }

    private static TagList Tags(string function) => new() { { "function", function }, { "outcome", "ok" } };

    private static List<HostMeasurement> Ours(HostMeasurements? drained, string suffix) =>
        drained?.Items.Where(m => m.Instrument.EndsWith(suffix, StringComparison.Ordinal)).ToList() ?? [];
}
