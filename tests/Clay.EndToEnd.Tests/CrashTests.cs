using Xunit.Abstractions;
using Clay.Reliability;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// The crash harness in its short form: a real server under load from concurrent clients, killed
/// with SIGKILL (and once stopped with SIGTERM) at random moments and restarted; nothing
/// acknowledged may be lost, nothing may run twice, no worker may fail. The full run (100 cycles)
/// is <c>dotnet run --project tools/Clay.Reliability -c Release</c>.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class CrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Kill_9_under_load_loses_nothing_acknowledged_and_runs_nothing_twice()
    {
        ClayInstallation.EnsurePublished();
        var report = await CrashHarness.RunAsync(new CrashOptions
        {
            Cycles = 3,
            Clients = 8,
            TerminateEvery = 3,
            MinRun = TimeSpan.FromMilliseconds(300),
            MaxRun = TimeSpan.FromMilliseconds(900),
            BinDirectory = ClayInstallation.BinDirectory,
            Log = output.WriteLine,
        });

        output.WriteLine($"seed {report.Seed}: {report.Acknowledged} acknowledged, {report.Retried} retried, {report.ChargeCalls} charges");
        Assert.True(report.Passed, string.Join('\n', report.Violations.Take(20)));
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicated);
        Assert.Equal(0, report.FailedWorkers);
        // Each cycle waits for 20 acknowledgements after the restart before its kill is timed.
        Assert.True(report.Acknowledged >= 60, $"only {report.Acknowledged} invocations were acknowledged");
        Assert.True(report.ChargesAcknowledged > 0, "no charge was acknowledged");
        // The kills interrupted calls in flight, which the clients retried with the same key.
        Assert.True(report.Retried > 0, "no invocation was interrupted by a crash");
    }
}
