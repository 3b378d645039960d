using Xunit.Abstractions;
using Clay.Reliability;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// The crash harness in its short forms: a real server under load from concurrent clients, killed
/// with SIGKILL under load, during start-up and during recovery (and once stopped with SIGTERM),
/// and restarted; with the power-cut layer, every stop also loses what the server had not synced.
/// Nothing acknowledged may be lost, nothing may run twice or out of order, nothing unsent or
/// refused may appear, no worker may fail. The full runs are
/// <c>dotnet run --project tools/Clay.Reliability -c Release [-- --power-loss]</c>.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class CrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Kill_9_under_load_during_start_up_and_during_recovery_loses_nothing_acknowledged_and_runs_nothing_twice()
    {
        var report = await RunAsync(new CrashOptions { Cycles = 3, TerminateEvery = 3, RestartKillEvery = 3 });

        Assert.True(report.Passed, string.Join('\n', report.Violations.Take(20)));
        Assert.Equal((2, 1), (report.Kills.UnderLoad, report.Kills.Terminated));
        // Cycle 1 kills the restart before it is ready (or, on a fast machine, just after), cycle 2 during recovery.
        Assert.Equal(2, report.Kills.DuringStartUp + report.Kills.DuringRecovery);
        // Each cycle waits for 20 acknowledgements after the restart before its kill is timed.
        Assert.True(report.Acknowledged >= 60, $"only {report.Acknowledged} invocations were acknowledged");
        Assert.True(report.ChargesAcknowledged > 0, "no charge was acknowledged");
        // The kills interrupted calls in flight, which the clients retried with the same key.
        Assert.True(report.Retried > 0, "no invocation was interrupted by a crash");
    }

    [Fact]
    public async Task A_power_cut_under_load_during_start_up_and_during_recovery_loses_nothing_acknowledged()
    {
        var report = await RunAsync(new CrashOptions { Cycles = 2, TerminateEvery = 0, RestartKillEvery = 3, PowerLoss = true });

        Assert.True(report.Passed, string.Join('\n', report.Violations.Take(20)));
        Assert.True(report.Acknowledged >= 40, $"only {report.Acknowledged} invocations were acknowledged");
        // The layer was at work: each cut put back writes the server had made but not yet synced.
        Assert.True(report.PowerCut!.WritesUndone > 0, report.PowerCut.ToString());
        Assert.Empty(report.PowerCut.Warnings);
    }

    [Fact]
    public async Task A_power_cut_loses_no_acknowledged_invocation_whose_end_a_component_host_handed_over()
    {
        // No charges: no effect's commit makes what was handed over before it durable, so every
        // acknowledgement rests on the server holding the answer until the handed-over end is synced.
        var report = await RunAsync(new CrashOptions { Cycles = 3, TerminateEvery = 0, RestartKillEvery = 0, ChargeShare = 0, PowerLoss = true });

        Assert.True(report.Passed, string.Join('\n', report.Violations.Take(20)));
        Assert.Equal(0, report.Lost);
        Assert.True(report.Acknowledged >= 60, $"only {report.Acknowledged} invocations were acknowledged");
        Assert.True(report.PowerCut!.WritesUndone > 0, report.PowerCut.ToString());
    }

    [Fact]
    public async Task A_power_cut_loses_acknowledged_invocations_when_commits_are_not_synced()
    {
        // The check above must be able to fail: with SQLite's synchronous=NORMAL a commit is
        // acknowledged before its WAL frames are synced, which kill -9 alone never shows.
        var report = await RunAsync(new CrashOptions
        {
            Cycles = 1, TerminateEvery = 0, RestartKillEvery = 0, ChargeShare = 0, PowerLoss = true, UnsafeSynchronous = "normal",
        });

        Assert.True(report.Lost > 0, $"nothing acknowledged was lost without syncs: {report.Acknowledged} acknowledged, {report.PowerCut}");
    }

    private async Task<CrashReport> RunAsync(CrashOptions options)
    {
        ClayInstallation.EnsurePublished();
        var report = await CrashHarness.RunAsync(options with
        {
            Clients = 8,
            MinRun = TimeSpan.FromMilliseconds(300),
            MaxRun = TimeSpan.FromMilliseconds(900),
            BinDirectory = ClayInstallation.BinDirectory,
            Log = output.WriteLine,
        });
        output.WriteLine($"seed {report.Seed}: {report.Kills}; {report.Acknowledged} acknowledged, {report.Lost} lost, {report.Retried} retried, "
            + $"{report.ChargeCalls} charges; {report.PowerCut}");
        return report;
    }
}
