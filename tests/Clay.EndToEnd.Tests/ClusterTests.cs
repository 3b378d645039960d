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
        var root = Path.Combine(Path.GetTempPath(), "clay-cluster-" + Guid.NewGuid().ToString("N"));
        // The HOME the nodes note their token in, so clay run with it finds the token by itself.
        var home = Path.Combine(root, "home");
        var checkedThroughCli = 0;
        try
        {
            var report = await ClusterHarness.RunAsync(new ClusterOptions
            {
                PostgresUrl = PostgresUrl(),
                Root = root,
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
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
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
        output.WriteLine($"acknowledged {report.Acknowledged}; {report.PlacedOnCutNode} workers placed and {report.ResidentOnCutNode} resident on the cut node; "
            + $"during the cut {report.AcknowledgedDuringCut} acknowledged ({report.AcknowledgedByCutWorkersDuringCut} of {report.SentToCutWorkersDuringCut} calls sent to its workers after the cut), {report.FailedDuringCut} "
            + $"calls for its workers failed, {report.ConnectionsRefused} connections refused; after it {report.AcknowledgedByCutNodeAfter} by the cut node");

        // Every acknowledged invocation is in its ledger exactly once: nothing the cut node could not commit was acknowledged.
        Assert.True(report.Passed, string.Join('\n', report.Violations.Take(20)));
        Assert.Equal((0, 0, 0), (report.Lost, report.Duplicated, report.Unexpected));
        Assert.True(report.PlacedOnCutNode > 0 && report.ResidentOnCutNode >= report.PlacedOnCutNode,
            $"the cut node held {report.ResidentOnCutNode} workers of the {report.PlacedOnCutNode} first called through it");
        // It stops acknowledging: its workers' calls fail, and none sent after the cut was answered, while the other node carries on.
        Assert.True(report.FailedDuringCut > 0, "no call for the cut node's workers failed while it was cut off");
        Assert.True(report.SentToCutWorkersDuringCut > 0, "no call was sent to the cut node's workers after the cut");
        Assert.Equal(0, report.AcknowledgedByCutWorkersDuringCut);
        Assert.True(report.AcknowledgedDuringCut > 0, "the other node acknowledged nothing during the cut");
        Assert.True(report.ConnectionsRefused > 0, "the cut node did not try to reach PostgreSQL");
        Assert.True(report.AcknowledgedByCutNodeAfter > 0, "the node acknowledged nothing once reconnected");
    }

    [Fact]
    public async Task A_worker_sleeping_on_a_node_killed_with_sigkill_wakes_on_a_survivor_at_its_time_without_being_called()
    {
        ClayInstallation.EnsurePublished();
        await using var database = await ScratchDatabase.CreateAsync(PostgresUrl());
        var root = Path.Combine(Path.GetTempPath(), "clay-cluster-sleep-" + Guid.NewGuid().ToString("N"));
        var survivor = new ServerProcess(Path.Combine(root, "node0"));
        var victim = new ServerProcess(Path.Combine(root, "node1"));
        HttpClient? http = null;
        try
        {
            await survivor.StartAsync("--cluster", database.Url);
            await victim.StartAsync("--cluster", database.Url);
            // The nodes share one token: the survivor's opens the victim too.
            http = survivor.CreateHttpClient();
            http.Timeout = TimeSpan.FromSeconds(60);
            await Clay.Reliability.LedgerPackage.DeployAsync(http, new Uri(survivor.Url + "/"), "reliability:ledger");
            const string Workers = "/v1/components/reliability:ledger/workers";

            // Enqueued through the victim, the worker lives there (placement prefers the node called) and goes to sleep.
            using (var enqueued = await http.PostAsync($"{victim.Url}{Workers}/sleeper/invoke", Json(
                """{"function":"add-later","args":["\"late\"","3"],"mode":"enqueue","idempotencyKey":"late-1"}""")))
            {
                Assert.True(enqueued.IsSuccessStatusCode, await enqueued.Content.ReadAsStringAsync());
            }
            var sleeping = await PollAsync(() => WorkerFromListAsync(http, survivor.Url + Workers, "sleeper"), w => w?.GetProperty("status").GetString() == "Suspended");
            var lengthAsleep = sleeping!.Value.GetProperty("oplogLength").GetInt64();
            await victim.KillAsync();

            // Nobody calls it: the listing reads the store (or asks the node that holds it) without waking it.
            // It finishes in the survivor's memory (a worker whose recovery is still under way is
            // listed from the store for a moment, so residency is part of what is waited for).
            await PollAsync(() => WorkerFromListAsync(http, survivor.Url + Workers, "sleeper"),
                w => w?.GetProperty("oplogLength").GetInt64() > lengthAsleep && w.Value.GetProperty("status").GetString() == "Idle"
                    && w.Value.GetProperty("resident").GetBoolean());
            using var entries = await http.PostAsync($"{survivor.Url}{Workers}/sleeper/invoke", Json("""{"function":"entries","args":[]}"""));
            using var json = JsonDocument.Parse(await entries.Content.ReadAsStringAsync());
            Assert.Equal(["late"], json.RootElement.GetProperty("result").GetProperty("json").EnumerateArray().Select(e => e.GetString()));
        }
        catch (Exception) when (Dump(survivor, victim))
        {
            throw;
        }
        finally
        {
            http?.Dispose();
            await survivor.DisposeAsync();
            await victim.DisposeAsync();
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private bool Dump(ServerProcess survivor, ServerProcess victim)
    {
        output.WriteLine($"--- survivor:\n{survivor.Output}\n--- victim:\n{victim.Output}");
        return false;
    }

    private static StringContent Json(string text) => new(text, System.Text.Encoding.UTF8, "application/json");

    private static async Task<JsonElement?> WorkerFromListAsync(HttpClient http, string url, string name)
    {
        using var response = await http.GetAsync(url);
        if (!response.IsSuccessStatusCode) return null;
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        foreach (var worker in json.RootElement.GetProperty("workers").EnumerateArray())
        {
            if (worker.GetProperty("workerName").GetString() == name) return worker.Clone();
        }
        return null;
    }

    /// <summary>Polls until <paramref name="done"/> holds, for at most two minutes (failover takes seconds).</summary>
    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), $"gave up after two minutes; last seen: {value}");
            await Task.Delay(100);
        }
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
