using System.Text.Json;
using Clay.Reliability.Cluster;
using Xunit.Abstractions;

namespace Clay.EndToEnd.Tests;

/// <summary>
/// Real clay-server processes forming a cluster over a real PostgreSQL database (a scratch database
/// per test; the server is <c>CLAY_TEST_POSTGRES</c> or the one <c>scripts/postgres.sh</c> runs).
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Three_nodes_lose_nothing_acknowledged_when_one_is_killed_with_sigkill_and_it_rejoins()
    {
        ClayInstallation.EnsurePublished();
        var home = Path.Combine(Path.GetTempPath(), "clay-cluster-home-" + Guid.NewGuid().ToString("N"));
        var checkedThroughCli = 0;
        try
        {
            var report = await ClusterHarness.RunAsync(new ClusterOptions
            {
                PostgresUrl = PostgresUrl(),
                BinDirectory = ClayInstallation.BinDirectory,
                Log = output.WriteLine,
                AfterFailover = async (survivors, killed) =>
                {
                    foreach (var survivor in survivors)
                    {
                        // Any node answers for the whole cluster: the CLI works through each survivor.
                        var cli = new ClayCli(survivor.ToString(), home);
                        using var status = JsonDocument.Parse(await cli.OkAsync(home, "--format", "json", "server", "status"));
                        var nodes = status.RootElement.GetProperty("nodes").EnumerateArray().ToList();
                        Assert.Equal("cluster", status.RootElement.GetProperty("mode").GetString());
                        Assert.Equal("Dead", nodes.Single(n => n.GetProperty("url").GetString() == killed.ToString().TrimEnd('/')).GetProperty("status").GetString());
                        Assert.Equal(survivors.Count, nodes.Count(n => n.GetProperty("status").GetString() == "Active"));
                        using var workers = JsonDocument.Parse(await cli.OkAsync(home, "--format", "json", "worker", "list", "reliability:ledger"));
                        Assert.NotEmpty(workers.RootElement.GetProperty("workers").EnumerateArray());
                        checkedThroughCli++;
                    }
                },
            });
            output.WriteLine($"acknowledged {report.Acknowledged} (by node {string.Join(", ", report.AcknowledgedByNode)}), retried {report.Retried}; "
                + $"{report.ResidentOnVictim} workers on the killed node; dead after {report.DeclaredDeadAfter.TotalSeconds:F1} s, load back after {report.FailoverTime.TotalSeconds:F1} s");

            Assert.True(report.Passed, string.Join('\n', report.Violations.Take(20)));
            Assert.Equal((0, 0, 0, 0), (report.Lost, report.Duplicated, report.Unexpected, report.ChargesRepeated));
            // Every node served calls; the killed one held workers, which the survivors took over.
            Assert.All(report.AcknowledgedByNode, n => Assert.True(n > 0, $"a node acknowledged nothing: {string.Join(", ", report.AcknowledgedByNode)}"));
            Assert.True(report.ResidentOnVictim > 0, "the killed node held no worker");
            Assert.True(report.AcknowledgedByRejoined > 0, "the rejoined node acknowledged nothing");
            Assert.Equal(2, checkedThroughCli);
        }
        finally
        {
            if (Directory.Exists(home)) Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task A_node_cut_off_from_postgresql_acknowledges_nothing_it_cannot_commit_loses_nothing_and_serves_again_once_reconnected()
    {
        ClayInstallation.EnsurePublished();
        var report = await PartitionHarness.RunAsync(new ClusterOptions
        {
            PostgresUrl = PostgresUrl(),
            Clients = 8,
            BinDirectory = ClayInstallation.BinDirectory,
            Log = output.WriteLine,
        });
        output.WriteLine($"acknowledged {report.Acknowledged}; {report.ResidentOnCutNode} workers on the cut node; during the cut {report.AcknowledgedDuringCut} "
            + $"acknowledged, {report.FailedDuringCut} failed, {report.ConnectionsRefused} connections refused; after it {report.AcknowledgedByCutNodeAfter} by the cut node");

        // Every acknowledged invocation is in its ledger exactly once: nothing the cut node could not commit was acknowledged.
        Assert.True(report.Passed, string.Join('\n', report.Violations.Take(20)));
        Assert.Equal((0, 0, 0), (report.Lost, report.Duplicated, report.Unexpected));
        Assert.True(report.ResidentOnCutNode > 0, "the cut node held no worker");
        Assert.True(report.FailedDuringCut > 0, "no call failed while the node was cut off");
        Assert.True(report.ConnectionsRefused > 0, "the cut node did not try to reach PostgreSQL");
        Assert.True(report.AcknowledgedByCutNodeAfter > 0, "the node acknowledged nothing once reconnected");
    }

    /// <summary>The PostgreSQL server for the tests.</summary>
    internal static string PostgresUrl()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CLAY_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return fromEnvironment.Trim();
        var file = Path.Combine(ClayInstallation.RepositoryRoot, "artifacts", "postgres", "url");
        return File.Exists(file)
            ? File.ReadAllText(file).Trim()
            : throw new InvalidOperationException("no PostgreSQL server for the cluster tests: run scripts/postgres.sh start or set CLAY_TEST_POSTGRES");
    }
}
